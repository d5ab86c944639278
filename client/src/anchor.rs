//! The device's trust anchor: its chain's genesis hash and the GRANDPA authority set whose
//! signatures make a block final. Everything a device believes about the chain is proved from
//! this small public file: no trust on first contact.
//!
//! [`provision`] writes it from a node the operator trusts (or it ships with the firmware).

use crate::{record::hex_array, rpc::Endpoint, ClientError};
use serde::{Deserialize, Serialize};
use sp_consensus_grandpa::{AuthorityId, AuthorityList, SetId};
use std::path::Path;

/// A chain and the GRANDPA authority set a device checks finality against.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrustAnchor {
	/// The chain's genesis hash.
	pub genesis: [u8; 32],
	/// The authority set's id (0 at genesis; a runtime upgrade may change the set).
	pub set_id: SetId,
	/// The authorities (Ed25519 keys) with their voting weights.
	pub authorities: Vec<([u8; 32], u64)>,
}

/// The file form.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct AnchorFile {
	/// What the file is.
	kind: String,
	/// The genesis hash, hex.
	genesis: String,
	/// The authority set id.
	set_id: SetId,
	/// The authorities.
	authorities: Vec<AuthorityEntry>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct AuthorityEntry {
	/// Ed25519 public key, hex.
	id: String,
	/// Voting weight.
	weight: u64,
}

const KIND: &str = "keyshards-trust-anchor/1";

impl TrustAnchor {
	/// The anchor's total voting weight.
	pub fn total_weight(&self) -> u64 {
		self.authorities.iter().map(|(_, weight)| *weight).sum()
	}

	/// The weight of authority `id`, if it is one.
	pub fn weight_of(&self, id: &[u8; 32]) -> Option<u64> {
		self.authorities.iter().find(|(key, _)| key == id).map(|(_, weight)| *weight)
	}

	/// Reads an anchor file; a malformed one (or one with no authority, a zero weight, or an
	/// authority listed twice) is refused.
	pub fn load(path: &Path) -> Result<Self, ClientError> {
		let fail =
			|reason: String| ClientError::LocalFile { path: path.display().to_string(), reason };
		let text = std::fs::read_to_string(path).map_err(|e| fail(e.to_string()))?;
		let file: AnchorFile = serde_json::from_str(&text)
			.map_err(|e| fail(format!("not a trust anchor file: {e}")))?;
		if file.kind != KIND {
			return Err(fail(format!("not a trust anchor file (kind `{}`)", file.kind)));
		}
		let genesis = hex_array(&format!("genesis `{}`", file.genesis), &file.genesis)
			.map_err(|e| fail(e.to_string()))?;
		let mut authorities = Vec::with_capacity(file.authorities.len());
		for entry in &file.authorities {
			let id = hex_array(&format!("authority `{}`", entry.id), &entry.id)
				.map_err(|e| fail(e.to_string()))?;
			if entry.weight == 0 || authorities.iter().any(|(known, _)| *known == id) {
				return Err(fail(format!("authority {}: listed twice or of weight 0", entry.id)));
			}
			authorities.push((id, entry.weight));
		}
		let anchor = Self { genesis, set_id: file.set_id, authorities };
		if anchor.authorities.is_empty() {
			return Err(fail("no authority".into()));
		}
		anchor.total_weight_fits().map_err(fail)?;
		Ok(anchor)
	}

	fn total_weight_fits(&self) -> Result<(), String> {
		self.authorities
			.iter()
			.try_fold(0u64, |sum, (_, weight)| sum.checked_add(*weight))
			.map(|_| ())
			.ok_or_else(|| "the authorities' weights overflow".into())
	}

	/// Writes the anchor to a new file (never over an existing one).
	pub fn save(&self, path: &Path) -> Result<(), ClientError> {
		let file = AnchorFile {
			kind: KIND.into(),
			genesis: format!("0x{}", hex::encode(self.genesis)),
			set_id: self.set_id,
			authorities: self
				.authorities
				.iter()
				.map(|(id, weight)| AuthorityEntry {
					id: format!("0x{}", hex::encode(id)),
					weight: *weight,
				})
				.collect(),
		};
		let text = serde_json::to_string_pretty(&file).expect("an anchor serialises") + "\n";
		let fail = |e: std::io::Error| ClientError::LocalFile {
			path: path.display().to_string(),
			reason: if e.kind() == std::io::ErrorKind::AlreadyExists {
				"exists; refusing to overwrite a trust anchor".into()
			} else {
				e.to_string()
			},
		};
		let mut out =
			std::fs::OpenOptions::new().write(true).create_new(true).open(path).map_err(fail)?;
		std::io::Write::write_all(&mut out, text.as_bytes())
			.and_then(|()| out.sync_all())
			.map_err(fail)
	}
}

/// Reads a trust anchor from `endpoint`, which the caller trusts: its genesis hash and the
/// GRANDPA authority set (`GrandpaApi_grandpa_authorities`, `GrandpaApi_current_set_id`) at its
/// latest finalized block.
pub async fn provision(endpoint: &Endpoint) -> Result<TrustAnchor, ClientError> {
	let genesis = endpoint.genesis_hash().await?;
	let at = endpoint.finalized().await?;
	let authorities: AuthorityList =
		endpoint.state_call("GrandpaApi_grandpa_authorities", (), &at).await?;
	let set_id: SetId = endpoint.state_call("GrandpaApi_current_set_id", (), &at).await?;
	let authorities: Vec<([u8; 32], u64)> = authorities
		.into_iter()
		.map(|(id, weight): (AuthorityId, u64)| (<[u8; 32]>::from(id.into_inner()), weight))
		.collect();
	if authorities.is_empty() {
		return Err(ClientError::Rpc {
			endpoint: endpoint.url().into(),
			reason: "the chain has no GRANDPA authority: it cannot prove finality".into(),
		});
	}
	let anchor = TrustAnchor { genesis, set_id, authorities };
	// The anchor must prove the node's finalized block, or it is of no use to a device.
	crate::view::ProvenBlock::finalized(endpoint, &anchor).await.map_err(|error| {
		ClientError::Rpc {
			endpoint: endpoint.url().into(),
			reason: format!(
				"the authority set read does not prove the node's latest finalized block yet \
				 ({error}); a new chain proves finality once its block 1 is final: try again"
			),
		}
	})?;
	Ok(anchor)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn an_anchor_round_trips_and_a_malformed_one_is_refused() {
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("anchor.json");
		let anchor = TrustAnchor {
			genesis: [1; 32],
			set_id: 0,
			authorities: vec![([2; 32], 1), ([3; 32], 2)],
		};
		anchor.save(&path).unwrap();
		assert_eq!(TrustAnchor::load(&path).unwrap(), anchor);
		assert_eq!(anchor.total_weight(), 3);
		assert!(anchor.save(&path).unwrap_err().to_string().contains("refusing to overwrite"));
		let text = std::fs::read_to_string(&path).unwrap();
		let (two, three) = (hex::encode([2u8; 32]), hex::encode([3u8; 32]));
		for (from, to) in [
			("\"weight\": 2", "\"weight\": 0"),
			(two.as_str(), three.as_str()),
			(two.as_str(), "02"),
			("keyshards-trust-anchor/1", "something-else"),
			("\"set_id\": 0", "\"set_id\": -1"),
		] {
			let bad = dir.path().join("bad.json");
			std::fs::write(&bad, text.replacen(from, to, 1)).unwrap();
			assert!(TrustAnchor::load(&bad).is_err(), "{from} -> {to}");
		}
	}
}
