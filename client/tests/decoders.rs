//! Fuzz-style property tests (stable toolchain: `proptest`) of every decoder in the device client
//! that sees untrusted bytes: finality proofs and justifications, read proofs, the chain records
//! and bundles it decodes, and its files (trust anchor, key file, holder export, state file,
//! signature record). Arbitrary or mutated input is refused with a clear error — never a panic —
//! and nothing is written.
//!
//! `PROPTEST_CASES` sets the number of cases (CI runs the default, 256).

use std::path::Path;

use codec::{Decode, Encode};
use keyshards_client::{
	assemble, export_piece_keys,
	proof::{self, FinalityProof, Header},
	ClientError, DeviceKeys, FleetFacts, HolderExport, SignatureRecord, StateFile, TrustAnchor,
};
use keyshards_primitives::{
	v2::{
		storage::{DeviceInfo, FleetRecord},
		DeviceBundle, EpochRecord, MaxPiecesBound, PieceRoot, Threshold,
	},
	DeviceId, QueryError,
};
use proptest::prelude::*;
use sp_core::{ed25519, Pair};
use sp_runtime::traits::{ConstU32, Header as _};

fn cases() -> u32 {
	std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256)
}

fn bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
	proptest::collection::vec(any::<u8>(), 0..max)
}

/// A one-authority anchor (the key of `//Alice`, set 1) and a valid finality proof of a block
/// by it: the precommit signed as GRANDPA signs.
fn signed_proof() -> (TrustAnchor, FinalityProof, Header) {
	let alice = ed25519::Pair::from_string("//Alice", None).unwrap();
	let header = Header::new(
		7,
		Default::default(),
		sp_core::H256([1; 32]),
		sp_core::H256([2; 32]),
		Default::default(),
	);
	let target = (header.hash(), 7u32);
	let precommit = finality_grandpa::Precommit { target_hash: target.0, target_number: target.1 };
	let round = 3;
	let payload = sp_consensus_grandpa::localized_payload(
		round,
		1,
		&finality_grandpa::Message::Precommit(precommit.clone()),
	);
	let justification = sp_consensus_grandpa::GrandpaJustification::<Header> {
		round,
		commit: finality_grandpa::Commit {
			target_hash: target.0,
			target_number: target.1,
			precommits: vec![finality_grandpa::SignedPrecommit {
				precommit,
				signature: alice.sign(&payload).into(),
				id: alice.public().into(),
			}],
		},
		votes_ancestries: vec![],
	};
	let anchor =
		TrustAnchor { genesis: [9; 32], set_id: 1, authorities: vec![(alice.public().0, 1)] };
	let proof = FinalityProof {
		block: target.0,
		justification: justification.encode(),
		unknown_headers: vec![],
	};
	(anchor, proof, header)
}

#[test]
fn the_signed_proof_is_accepted() {
	let (anchor, proof, header) = signed_proof();
	let (justified, precommits) = proof::check_finality(&anchor, &proof).unwrap();
	assert_eq!(precommits, 1);
	assert_eq!(proof::justified_header(justified, header.clone(), &proof).unwrap(), header);
}

/// Every file a device reads, valid, in `dir`: (name, path, loader).
type Loader = fn(&Path) -> Result<(), ClientError>;

fn valid_files(dir: &Path) -> Vec<(&'static str, std::path::PathBuf, Loader)> {
	let roots: Vec<PieceRoot> =
		(1..=3u8).map(|k| PieceRoot::from_slice(&[k; 32]).unwrap()).collect();
	let facts = FleetFacts {
		genesis: [7; 32],
		fleet: 0,
		threshold: Threshold::new(3, 2).unwrap(),
		publication_keys: roots.iter().map(|r| r.publication_key()).collect(),
	};
	let device = DeviceId::new(b"d").unwrap();
	let all: Vec<_> = (0..3u16).zip(roots).collect();
	let export = export_piece_keys(&facts, &all, &[(device.clone(), 1)]).unwrap();
	let export_path = dir.join("export.json");
	export.save(&export_path).unwrap();
	let keys =
		assemble(&[("all".into(), HolderExport::load(&export_path).unwrap())], &device, Some(1))
			.unwrap();
	let keys_path = dir.join("keys.json");
	keys.save(&keys_path).unwrap();
	let anchor_path = dir.join("anchor.json");
	TrustAnchor { genesis: [7; 32], set_id: 1, authorities: vec![([3; 32], 1), ([4; 32], 2)] }
		.save(&anchor_path)
		.unwrap();
	let state_path = dir.join("state.json");
	let mut state = StateFile::open(&state_path, [7; 32], 0, "d").unwrap();
	state.accept(4).unwrap();
	state.record_signing(4, keyshards_primitives::PayloadHash([5; 32])).unwrap();
	let record_path = dir.join("record.json");
	SignatureRecord::new(
		0,
		&device,
		1,
		4,
		&keyshards_primitives::PublicKey([1; 32]),
		&keyshards_primitives::PayloadHash([5; 32]),
		&keyshards_primitives::Signature([6; 64]),
	)
	.save(&record_path)
	.unwrap();
	vec![
		("export", export_path, |p| HolderExport::load(p).map(drop)),
		("keys", keys_path, |p| DeviceKeys::load(p).map(drop)),
		("anchor", anchor_path, |p| TrustAnchor::load(p).map(drop)),
		("state", state_path, |p| StateFile::open(p, [7; 32], 0, "d").map(drop)),
		("record", record_path, |p| SignatureRecord::load(p).map(drop)),
	]
}

/// The directory's file names and contents.
fn snapshot(dir: &Path) -> Vec<(std::ffi::OsString, Vec<u8>)> {
	let mut files: Vec<_> = std::fs::read_dir(dir)
		.unwrap()
		.map(|entry| {
			let entry = entry.unwrap();
			(entry.file_name(), std::fs::read(entry.path()).unwrap())
		})
		.collect();
	files.sort();
	files
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(cases()))]

	#[test]
	fn arbitrary_finality_proofs_are_refused(raw in bytes(2048)) {
		let (anchor, _, _) = signed_proof();
		if let Ok(proof) = FinalityProof::decode(&mut &raw[..]) {
			prop_assert!(proof::check_finality(&anchor, &proof).is_err());
		}
	}

	#[test]
	fn arbitrary_justifications_are_refused(block in any::<[u8; 32]>(), raw in bytes(4096)) {
		let (anchor, _, _) = signed_proof();
		let proof = FinalityProof {
			block: sp_core::H256(block),
			justification: raw,
			unknown_headers: vec![],
		};
		prop_assert!(proof::check_finality(&anchor, &proof).is_err());
	}

	#[test]
	fn a_justification_with_any_byte_changed_or_cut_is_refused(
		at in any::<prop::sample::Index>(),
		flip in 1u8..=255,
		cut in any::<bool>(),
	) {
		let (anchor, mut proof, _) = signed_proof();
		let i = at.index(proof.justification.len());
		if cut {
			proof.justification.truncate(i);
		} else {
			proof.justification[i] ^= flip;
		}
		prop_assert!(proof::check_finality(&anchor, &proof).is_err());
	}

	#[test]
	fn a_header_with_any_byte_changed_is_not_the_justified_one(
		at in any::<prop::sample::Index>(),
		flip in 1u8..=255,
	) {
		let (anchor, proof, header) = signed_proof();
		let (justified, precommits) = proof::check_finality(&anchor, &proof).unwrap();
	assert_eq!(precommits, 1);
		let mut raw = header.encode();
		let i = at.index(raw.len());
		raw[i] ^= flip;
		if let Ok(other) = Header::decode(&mut &raw[..]) {
			prop_assert!(proof::justified_header(justified, other, &proof).is_err());
		}
	}

	#[test]
	fn read_proofs_of_arbitrary_nodes_prove_nothing_under_an_unrelated_root(
		nodes in proptest::collection::vec(bytes(600), 0..16),
		root in any::<[u8; 32]>(),
		key in bytes(80),
	) {
		let header = Header::new(
			1,
			Default::default(),
			sp_core::H256(root),
			Default::default(),
			Default::default(),
		);
		// No node hashes to a random root: the proof is incomplete.
		prop_assert!(proof::read_proven(&header, nodes, &[("a key", &key)]).is_err());
	}

	#[test]
	fn records_and_bundles_of_arbitrary_bytes_decode_or_are_refused(raw in bytes(4096)) {
		// What the device decodes from proven values and (insecure mode) runtime API answers.
		let _ = EpochRecord::<[u8; 32], u32, MaxPiecesBound>::decode(&mut &raw[..]);
		let _ = DeviceInfo::<u128, u32>::decode(&mut &raw[..]);
		let _ = FleetRecord::<
			[u8; 32],
			u128,
			u32,
			ConstU32<64>,
			ConstU32<{ u32::MAX }>,
			MaxPiecesBound,
		>::decode(&mut &raw[..]);
		let _ = Result::<DeviceBundle<[u8; 32], u32>, QueryError>::decode(&mut &raw[..]);
		let _ = proof::decode_proven::<u64>("the chain's time", 1, Some(raw.clone()));
	}

	#[test]
	fn files_of_arbitrary_bytes_are_refused_and_nothing_is_written(raw in bytes(3000)) {
		let dir = tempfile::tempdir().unwrap();
		for (name, path, load) in valid_files(dir.path()) {
			std::fs::write(&path, &raw).unwrap();
			let before = snapshot(dir.path());
			let error = load(&path).expect_err(name);
			prop_assert!(matches!(error, ClientError::LocalFile { .. } | ClientError::KeyFile(_)), "{name}: {error}");
			prop_assert_eq!(before, snapshot(dir.path()), "{} wrote something", name);
		}
	}

	#[test]
	fn files_with_a_byte_changed_or_cut_load_or_are_refused_and_nothing_is_written(
		at in any::<prop::sample::Index>(),
		byte in any::<u8>(),
		cut in any::<bool>(),
	) {
		let dir = tempfile::tempdir().unwrap();
		for (name, path, load) in valid_files(dir.path()) {
			let mut content = std::fs::read(&path).unwrap();
			let i = at.index(content.len());
			if cut {
				content.truncate(i);
			} else {
				content[i] = byte;
			}
			std::fs::write(&path, &content).unwrap();
			let before = snapshot(dir.path());
			if let Err(error) = load(&path) {
				prop_assert!(matches!(error, ClientError::LocalFile { .. } | ClientError::KeyFile(_)), "{name}: {error}");
			}
			prop_assert_eq!(before, snapshot(dir.path()), "{} wrote something", name);
		}
	}
}
