//! The client builds `record_use` without the runtime: its bytes must be exactly what the
//! runtime's own types encode, and the runtime must accept them as a general transaction.

use codec::{Decode, Encode};
use keyshards_client::record_use_extrinsic;
use keyshards_primitives::{DeviceId, PayloadHash, Signature};
use keyshards_runtime::{tx_extension, KeyShardsCall, RuntimeCall, UncheckedExtrinsic};
use sp_runtime::generic::{Era, Preamble};

#[test]
fn the_client_encodes_record_use_as_the_runtime_does() {
	let device = DeviceId::new(b"demo-sensor-01").unwrap();
	let (hash, signature) = (PayloadHash([7; 32]), Signature([9; 64]));
	let call = RuntimeCall::KeyShards(KeyShardsCall::record_use {
		fleet: 3,
		device: device.clone(),
		epoch: 11,
		payload_hash: hash,
		signature,
	});
	let runtime =
		UncheckedExtrinsic::new_transaction(call.clone(), tx_extension(Era::Immortal, 0, 0));
	let ours = record_use_extrinsic(3, &device, 11, &hash, &signature);
	assert_eq!(ours, runtime.encode());

	let decoded = UncheckedExtrinsic::decode(&mut &ours[..]).unwrap();
	assert!(matches!(decoded.preamble, Preamble::General(_)));
	assert_eq!(decoded.function, call);
}
