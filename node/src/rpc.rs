//! The node's RPC extensions: the standard account-nonce and fee queries, and GRANDPA's
//! (`grandpa_proveFinality`, which a device needs to check finality without trusting the
//! endpoint). Keyshards queries go through `state_call` of the runtime API `KeyShardsApi` (an
//! operator's view) or `state_getReadProof` (a device's proven view): no custom RPC.

use std::sync::Arc;

use jsonrpsee::RpcModule;
use keyshards_runtime::{opaque::Block, AccountId, Balance, BlockNumber, Hash, Nonce};
use sc_consensus_grandpa::{
	FinalityProofProvider, GrandpaJustificationStream, SharedAuthoritySet, SharedVoterState,
};
use sc_rpc::SubscriptionTaskExecutor;
use sc_transaction_pool_api::TransactionPool;
use sp_api::ProvideRuntimeApi;
use sp_block_builder::BlockBuilder;
use sp_blockchain::{Error as BlockChainError, HeaderBackend, HeaderMetadata};

/// What GRANDPA's RPC needs.
pub struct GrandpaDeps<B> {
	/// The voter's state (for `grandpa_roundState`).
	pub shared_voter_state: SharedVoterState,
	/// The authority set.
	pub shared_authority_set: SharedAuthoritySet<Hash, BlockNumber>,
	/// Justifications as they are made (for `grandpa_subscribeJustifications`).
	pub justification_stream: GrandpaJustificationStream<Block>,
	/// Where subscriptions run.
	pub subscription_executor: SubscriptionTaskExecutor,
	/// Finality proofs (for `grandpa_proveFinality`).
	pub finality_provider: Arc<FinalityProofProvider<B, Block>>,
}

/// What the RPC extensions need.
pub struct FullDeps<C, P, B> {
	/// The client.
	pub client: Arc<C>,
	/// The transaction pool.
	pub pool: Arc<P>,
	/// GRANDPA's parts.
	pub grandpa: GrandpaDeps<B>,
}

/// The RPC extensions.
pub fn create_full<C, P, B>(
	deps: FullDeps<C, P, B>,
) -> Result<RpcModule<()>, Box<dyn std::error::Error + Send + Sync>>
where
	B: sc_client_api::Backend<Block> + Send + Sync + 'static,
	B::State: sc_client_api::StateBackend<sp_runtime::traits::HashingFor<Block>>,
	C: ProvideRuntimeApi<Block>,
	C: HeaderBackend<Block> + HeaderMetadata<Block, Error = BlockChainError> + 'static,
	C: Send + Sync + 'static,
	C::Api: substrate_frame_rpc_system::AccountNonceApi<Block, AccountId, Nonce>,
	C::Api: pallet_transaction_payment_rpc::TransactionPaymentRuntimeApi<Block, Balance>,
	C::Api: BlockBuilder<Block>,
	P: TransactionPool + 'static,
{
	use pallet_transaction_payment_rpc::{TransactionPayment, TransactionPaymentApiServer};
	use sc_consensus_grandpa_rpc::{Grandpa, GrandpaApiServer};
	use substrate_frame_rpc_system::{System, SystemApiServer};

	let mut module = RpcModule::new(());
	let FullDeps { client, pool, grandpa } = deps;
	module.merge(System::new(client.clone(), pool).into_rpc())?;
	module.merge(TransactionPayment::new(client).into_rpc())?;
	module.merge(
		Grandpa::new(
			grandpa.subscription_executor,
			grandpa.shared_authority_set,
			grandpa.shared_voter_state,
			grandpa.justification_stream,
			grandpa.finality_provider,
		)
		.into_rpc(),
	)?;
	Ok(module)
}
