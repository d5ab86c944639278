//! The node's services: a full client on ParityDB, the transaction pool, networking, off-chain
//! workers (with the KSG key source) and RPC, built once; only block authoring differs:
//!
//! - **Aura + GRANDPA** for every chain but a development one;
//! - **timer sealing + GRANDPA** for a development chain: a block every `--dev-block-time`
//!   milliseconds, so a dev chain rotates keys in seconds, finalised by the GRANDPA voter (the
//!   dev authority, Alice, votes on the best block) with the justifications every chain serves:
//!   a device checks a dev chain's finality exactly as a real one's (`grandpa_proveFinality`).

use std::{sync::Arc, time::Duration};

use codec::Decode;
use futures::FutureExt;
use keyshards_runtime::{apis::RuntimeApi, opaque::Block};
use pallet_key_shards::key_source::KeySourceExt;
use sc_client_api::{Backend, BlockBackend, StorageProvider};
use sc_consensus_aura::{ImportQueueParams, SlotProportion, StartAuraParams};
use sc_consensus_grandpa::SharedVoterState;
use sc_consensus_manual_seal::consensus::aura::AuraConsensusDataProvider;
use sc_service::config::RpcMethods;
use sc_service::{
	error::Error as ServiceError, ChainType, Configuration, TaskManager, WarpSyncConfig,
};
use sc_telemetry::{Telemetry, TelemetryWorker};
use sc_transaction_pool_api::OffchainTransactionPoolFactory;
use sp_blockchain::HeaderBackend;
use sp_consensus_aura::sr25519::{AuthorityId as AuraId, AuthorityPair as AuraPair};

use crate::{cli::KeyshardsParams, key_source::NodeKeySource};

/// The host functions this node's runtime imports beyond Substrate's: the KSG key source, and
/// the curve checks the chain runs natively on every publication.
pub type KeyshardsHostFunctions = (
	pallet_key_shards::key_source::ksg_key_source::HostFunctions,
	pallet_key_shards::curve_host::keyshards_curve::HostFunctions,
);

/// Every host function the runtime may call. Every executor the node builds uses this (the
/// service here; `benchmark pallet` adds [`KeyshardsHostFunctions`] to its own set).
#[cfg(not(feature = "runtime-benchmarks"))]
pub type HostFunctions = (sp_io::SubstrateHostFunctions, KeyshardsHostFunctions);
/// With `runtime-benchmarks` the runtime also imports the benchmarking host functions, so a
/// node built for the weights can run a chain too (the release load runs use it).
#[cfg(feature = "runtime-benchmarks")]
pub type HostFunctions = (
	sp_io::SubstrateHostFunctions,
	KeyshardsHostFunctions,
	frame_benchmarking::benchmarking::HostFunctions,
);

/// The full client.
pub type FullClient =
	sc_service::TFullClient<Block, RuntimeApi, sc_executor::WasmExecutor<HostFunctions>>;
pub type FullBackend = sc_service::TFullBackend<Block>;
type FullSelectChain = sc_consensus::LongestChain<FullBackend, Block>;
type TransactionPool = sc_transaction_pool::TransactionPoolHandle<Block, FullClient>;
type GrandpaBlockImport =
	sc_consensus_grandpa::GrandpaBlockImport<FullBackend, Block, FullClient, FullSelectChain>;

/// Blocks between GRANDPA justifications that are imported and generated.
const GRANDPA_JUSTIFICATION_PERIOD: u32 = 512;

/// The parts of a node before networking and authoring (Aura + GRANDPA import queue).
pub type Service = sc_service::PartialComponents<
	FullClient,
	FullBackend,
	FullSelectChain,
	sc_consensus::DefaultImportQueue<Block>,
	TransactionPool,
	(
		GrandpaBlockImport,
		sc_consensus_grandpa::LinkHalf<Block, FullClient, FullSelectChain>,
		Option<Telemetry>,
	),
>;

/// The Aura import queue, GRANDPA's block import in front of it, and GRANDPA's link.
type AuraGrandpaImport = (
	sc_consensus::DefaultImportQueue<Block>,
	GrandpaBlockImport,
	sc_consensus_grandpa::LinkHalf<Block, FullClient, FullSelectChain>,
);

/// Client, backend, keystore, task manager, pool and telemetry: what every set-up shares.
struct Core {
	client: Arc<FullClient>,
	backend: Arc<FullBackend>,
	keystore_container: sc_service::KeystoreContainer,
	task_manager: TaskManager,
	select_chain: FullSelectChain,
	transaction_pool: Arc<TransactionPool>,
	telemetry: Option<Telemetry>,
}

fn new_core(config: &Configuration) -> Result<Core, ServiceError> {
	let telemetry = config
		.telemetry_endpoints
		.clone()
		.filter(|x| !x.is_empty())
		.map(|endpoints| -> Result<_, sc_telemetry::Error> {
			let worker = TelemetryWorker::new(16)?;
			let telemetry = worker.handle().new_telemetry(endpoints);
			Ok((worker, telemetry))
		})
		.transpose()?;

	let executor = sc_service::new_wasm_executor::<HostFunctions>(&config.executor);
	let (client, backend, keystore_container, task_manager) =
		sc_service::new_full_parts::<Block, RuntimeApi, _>(
			config,
			telemetry.as_ref().map(|(_, telemetry)| telemetry.handle()),
			executor,
			Vec::new(),
		)?;
	let client = Arc::new(client);

	let telemetry = telemetry.map(|(worker, telemetry)| {
		task_manager.spawn_handle().spawn("telemetry", None, worker.run());
		telemetry
	});

	let select_chain = sc_consensus::LongestChain::new(backend.clone());

	let transaction_pool = Arc::from(
		sc_transaction_pool::Builder::new(
			task_manager.spawn_essential_handle(),
			client.clone(),
			config.role.is_authority().into(),
		)
		.with_options(config.transaction_pool.clone())
		.with_prometheus(config.prometheus_registry())
		.build(),
	);

	Ok(Core {
		client,
		backend,
		keystore_container,
		task_manager,
		select_chain,
		transaction_pool,
		telemetry,
	})
}

/// The Aura import queue behind GRANDPA's block import, with GRANDPA's link.
fn aura_grandpa_import(
	config: &Configuration,
	core: &Core,
) -> Result<AuraGrandpaImport, ServiceError> {
	let client = &core.client;
	let (grandpa_block_import, grandpa_link) = sc_consensus_grandpa::block_import(
		client.clone(),
		GRANDPA_JUSTIFICATION_PERIOD,
		client,
		core.select_chain.clone(),
		core.telemetry.as_ref().map(|x| x.handle()),
	)?;

	let cidp_client = client.clone();
	let import_queue =
		sc_consensus_aura::import_queue::<AuraPair, _, _, _, _, _>(ImportQueueParams {
			block_import: grandpa_block_import.clone(),
			justification_import: Some(Box::new(grandpa_block_import.clone())),
			client: client.clone(),
			create_inherent_data_providers: move |parent_hash, _| {
				let cidp_client = cidp_client.clone();
				async move {
					let slot_duration = sc_consensus_aura::standalone::slot_duration_at(
						&*cidp_client,
						parent_hash,
					)?;
					let timestamp = sp_timestamp::InherentDataProvider::from_system_time();
					let slot =
					sp_consensus_aura::inherents::InherentDataProvider::from_timestamp_and_slot_duration(
						*timestamp,
						slot_duration,
					);
					Ok((slot, timestamp))
				}
			},
			spawner: &core.task_manager.spawn_essential_handle(),
			registry: config.prometheus_registry(),
			check_for_equivocation: Default::default(),
			telemetry: core.telemetry.as_ref().map(|x| x.handle()),
			compatibility_mode: Default::default(),
		})?;
	Ok((import_queue, grandpa_block_import, grandpa_link))
}

/// The Aura + GRANDPA parts, for chain subcommands (check, import, revert).
pub fn new_partial(config: &Configuration) -> Result<Service, ServiceError> {
	let core = new_core(config)?;
	let (import_queue, block_import, link) = aura_grandpa_import(config, &core)?;
	let Core {
		client,
		backend,
		keystore_container,
		task_manager,
		select_chain,
		transaction_pool,
		telemetry,
	} = core;
	Ok(sc_service::PartialComponents {
		client,
		backend,
		task_manager,
		import_queue,
		keystore_container,
		select_chain,
		transaction_pool,
		other: (block_import, link, telemetry),
	})
}

/// Readies the node's KSG: erases plaintext roots an earlier version left in off-chain storage,
/// marks this start (the worker's bookkeeping of its pooled transactions starts again, and a lock
/// a killed run left is released), and on a development chain puts the demo holders' signing
/// keys in the keystore.
fn install_ksg_keys(
	development: bool,
	backend: &FullBackend,
	keystore: &sp_keystore::KeystorePtr,
) -> Result<(), ServiceError> {
	crate::key_source::erase_legacy_roots(backend);
	crate::key_source::mark_node_start(backend);
	if development {
		crate::key_source::insert_dev_signing_keys(keystore).map_err(ServiceError::Other)?;
	}
	Ok(())
}

/// A node given KSG roots (`--ksg-key`, on any chain) answers safe RPC methods only: `auto` (the
/// default, which allows unsafe methods on loopback) becomes `safe`, and `unsafe` is refused
/// unless the operator says `--ksg-allow-unsafe-rpc`. (A dev node that serves only the public
/// demo root keeps Substrate's rules.)
fn restrict_rpc(config: &mut Configuration, allow_unsafe: bool) -> Result<(), ServiceError> {
	let endpoints = config.rpc.addr.iter_mut().flatten().map(|endpoint| &mut endpoint.rpc_methods);
	for methods in std::iter::once(&mut config.rpc.methods).chain(endpoints) {
		match *methods {
			RpcMethods::Safe => {}
			RpcMethods::Auto => *methods = RpcMethods::Safe,
			RpcMethods::Unsafe if allow_unsafe => {}
			RpcMethods::Unsafe => {
				return Err(ServiceError::Other(
					"--rpc-methods unsafe on a node that serves KSG keys: its RPC could replace \
					 the KSG's signing key (author_insertKey) and read and write its off-chain \
					 storage; use --rpc-methods safe, or add --ksg-allow-unsafe-rpc if only \
					 trusted local processes can reach the RPC port"
						.into(),
				))
			}
		}
	}
	Ok(())
}

/// The RPC extensions builder.
fn rpc_builder(
	client: &Arc<FullClient>,
	pool: &Arc<TransactionPool>,
	backend: &Arc<FullBackend>,
	link: &sc_consensus_grandpa::LinkHalf<Block, FullClient, FullSelectChain>,
	voter_state: &SharedVoterState,
) -> Box<dyn Fn(sc_rpc::SubscriptionTaskExecutor) -> Result<jsonrpsee::RpcModule<()>, ServiceError>>
{
	let client = client.clone();
	let pool = pool.clone();
	let authority_set = link.shared_authority_set().clone();
	let justification_stream = link.justification_stream();
	let voter_state = voter_state.clone();
	let finality_provider = sc_consensus_grandpa::FinalityProofProvider::new_for_service(
		backend.clone(),
		Some(authority_set.clone()),
	);
	Box::new(move |subscription_executor| {
		let deps = crate::rpc::FullDeps {
			client: client.clone(),
			pool: pool.clone(),
			grandpa: crate::rpc::GrandpaDeps {
				shared_voter_state: voter_state.clone(),
				shared_authority_set: authority_set.clone(),
				justification_stream: justification_stream.clone(),
				subscription_executor,
				finality_provider: finality_provider.clone(),
			},
		};
		crate::rpc::create_full(deps).map_err(Into::into)
	})
}

/// Builds and starts a full node for `config`: the same services (GRANDPA included) for every
/// chain, then either Aura or, on a development chain, timer sealing.
pub fn new_full<
	N: sc_network::NetworkBackend<Block, <Block as sp_runtime::traits::Block>::Hash>,
>(
	mut config: Configuration,
	params: &KeyshardsParams,
) -> Result<TaskManager, ServiceError> {
	let development = config.chain_spec.chain_type() == ChainType::Development;
	// The chain type comes from the chain spec, which anyone can write: the rule follows the
	// roots given, not the chain.
	if !params.ksg_keys.is_empty() {
		restrict_rpc(&mut config, params.ksg_allow_unsafe_rpc)?;
	}

	let core = new_core(&config)?;
	// The key source binds every derivation to this chain: `ctx` starts with its genesis hash.
	let genesis = core.client.info().genesis_hash;
	let (key_source, failed) = NodeKeySource::open(&params.ksg_keys, development, genesis.into())
		.map_err(ServiceError::Other)?;
	crate::key_source::report(&key_source, &failed);
	// A node that holds piece roots runs the KSG whatever its role.
	if !key_source.is_empty() {
		config.offchain_worker.enabled = true;
	}
	let key_source = Arc::new(key_source);
	let (import_queue, block_import, link) = if development {
		// Sealed blocks go through GRANDPA's block import too (it tracks the authority set).
		let (block_import, link) = sc_consensus_grandpa::block_import(
			core.client.clone(),
			GRANDPA_JUSTIFICATION_PERIOD,
			&core.client,
			core.select_chain.clone(),
			core.telemetry.as_ref().map(|x| x.handle()),
		)?;
		let import_queue = sc_consensus_manual_seal::import_queue(
			Box::new(block_import.clone()),
			&core.task_manager.spawn_essential_handle(),
			config.prometheus_registry(),
		);
		(import_queue, block_import, link)
	} else {
		aura_grandpa_import(&config, &core)?
	};
	let Core {
		client,
		backend,
		keystore_container,
		mut task_manager,
		select_chain,
		transaction_pool,
		mut telemetry,
	} = core;

	let mut net_config = sc_network::config::FullNetworkConfiguration::<
		Block,
		<Block as sp_runtime::traits::Block>::Hash,
		N,
	>::new(&config.network, config.prometheus_registry().cloned());
	let metrics = N::register_notification_metrics(config.prometheus_registry());
	let grandpa_protocol_name = sc_consensus_grandpa::protocol_standard_name(
		&client.block_hash(0).ok().flatten().expect("Genesis block exists; qed"),
		&config.chain_spec,
	);
	let (protocol_config, grandpa_notification_service) =
		sc_consensus_grandpa::grandpa_peers_set_config::<_, N>(
			grandpa_protocol_name.clone(),
			metrics.clone(),
			net_config.peer_store_handle(),
		);
	net_config.add_notification_protocol(protocol_config);
	let warp_sync_config = Some(WarpSyncConfig::WithProvider(Arc::new(
		sc_consensus_grandpa::warp_proof::NetworkProvider::new(
			backend.clone(),
			link.shared_authority_set().clone(),
			Vec::default(),
		),
	)));

	let (network, system_rpc_tx, tx_handler_controller, sync_service, _bitswap) =
		sc_service::build_network(sc_service::BuildNetworkParams {
			config: &config,
			net_config,
			client: client.clone(),
			transaction_pool: transaction_pool.clone(),
			spawn_handle: task_manager.spawn_handle(),
			spawn_essential_handle: task_manager.spawn_essential_handle(),
			import_queue,
			block_announce_validator_builder: None,
			warp_sync_config,
			block_relay: None,
			metrics,
			gap_sync_body_policy: None,
		})?;

	install_ksg_keys(development, &backend, &keystore_container.keystore())?;
	if config.offchain_worker.enabled {
		// The key source is an extension of off-chain worker calls only: block import, block
		// authoring and runtime API calls (RPC) never see it.
		let offchain_workers =
			sc_offchain::OffchainWorkers::new(sc_offchain::OffchainWorkerOptions {
				runtime_api_provider: client.clone(),
				is_validator: config.role.is_authority(),
				keystore: Some(keystore_container.keystore()),
				offchain_db: backend.offchain_storage(),
				transaction_pool: Some(OffchainTransactionPoolFactory::new(
					transaction_pool.clone(),
				)),
				network_provider: Arc::new(network.clone()),
				enable_http_requests: false,
				custom_extensions: move |_| {
					let source: Arc<dyn pallet_key_shards::key_source::KeySource> =
						key_source.clone();
					vec![Box::new(KeySourceExt::new(source)) as Box<_>]
				},
			})?;
		task_manager.spawn_handle().spawn(
			"offchain-workers-runner",
			"offchain-worker",
			offchain_workers.run(client.clone(), task_manager.spawn_handle()).boxed(),
		);
	}

	let role = config.role;
	let shared_voter_state = SharedVoterState::empty();
	let force_authoring = config.force_authoring;
	let name = config.network.node_name.clone();
	let enable_grandpa = !config.disable_grandpa;
	let prometheus_registry = config.prometheus_registry().cloned();

	sc_service::spawn_tasks(sc_service::SpawnTasksParams {
		network: network.clone(),
		client: client.clone(),
		keystore: keystore_container.keystore(),
		task_manager: &mut task_manager,
		transaction_pool: transaction_pool.clone(),
		rpc_builder: rpc_builder(&client, &transaction_pool, &backend, &link, &shared_voter_state),
		backend,
		system_rpc_tx,
		tx_handler_controller,
		sync_service: sync_service.clone(),
		config,
		telemetry: telemetry.as_mut(),
		tracing_execute_block: None,
	})?;

	let proposer_factory = sc_basic_authorship::ProposerFactory::new(
		task_manager.spawn_handle(),
		client.clone(),
		transaction_pool.clone(),
		prometheus_registry.as_ref(),
		telemetry.as_ref().map(|x| x.handle()),
	);

	// Only block authoring differs.
	if development {
		start_dev_sealing(
			&task_manager,
			client.clone(),
			select_chain,
			block_import,
			proposer_factory,
			Duration::from_millis(params.dev_block_time),
		);
	} else if role.is_authority() {
		let slot_duration = sc_consensus_aura::slot_duration::<AuraId, _, _>(&*client)?;
		let aura = sc_consensus_aura::start_aura::<AuraPair, _, _, _, _, _, _, _, _, _, _>(
			StartAuraParams {
				slot_duration,
				client,
				select_chain,
				block_import,
				proposer_factory,
				create_inherent_data_providers: move |_, ()| async move {
					let timestamp = sp_timestamp::InherentDataProvider::from_system_time();
					let slot =
						sp_consensus_aura::inherents::InherentDataProvider::from_timestamp_and_slot_duration(
							*timestamp,
							slot_duration,
						);
					Ok((slot, timestamp))
				},
				force_authoring,
				backoff_authoring_blocks: Option::<()>::None,
				keystore: keystore_container.keystore(),
				sync_oracle: sync_service.clone(),
				justification_sync_link: sync_service.clone(),
				block_proposal_slot_portion: SlotProportion::new(2f32 / 3f32),
				max_block_proposal_slot_portion: None,
				telemetry: telemetry.as_ref().map(|x| x.handle()),
				compatibility_mode: Default::default(),
			},
		)?;
		task_manager.spawn_essential_handle().spawn_blocking("aura", Some("block-authoring"), aura);
	}

	if enable_grandpa {
		let keystore = if role.is_authority() { Some(keystore_container.keystore()) } else { None };
		let grandpa_config = sc_consensus_grandpa::Config {
			gossip_duration: Duration::from_millis(333),
			justification_generation_period: GRANDPA_JUSTIFICATION_PERIOD,
			name: Some(name),
			observer_enabled: false,
			keystore,
			local_role: role,
			telemetry: telemetry.as_ref().map(|x| x.handle()),
			protocol_name: grandpa_protocol_name,
		};
		let grandpa_params = sc_consensus_grandpa::GrandpaParams {
			config: grandpa_config,
			link,
			network,
			sync: Arc::new(sync_service),
			notification_service: grandpa_notification_service,
			// A dev chain's single voter finalises its best block (no lag behind it).
			voting_rule: if development {
				sc_consensus_grandpa::VotingRulesBuilder::new().build()
			} else {
				sc_consensus_grandpa::VotingRulesBuilder::default().build()
			},
			prometheus_registry,
			shared_voter_state,
			telemetry: telemetry.as_ref().map(|x| x.handle()),
			offchain_tx_pool_factory: OffchainTransactionPoolFactory::new(transaction_pool),
		};
		task_manager.spawn_essential_handle().spawn_blocking(
			"grandpa-voter",
			None,
			sc_consensus_grandpa::run_grandpa_voter(grandpa_params)?,
		);
	}

	Ok(task_manager)
}

/// `pallet_timestamp::Now` at `parent`, in milliseconds (0 before the first block).
fn parent_timestamp(
	client: &FullClient,
	parent: <Block as sp_runtime::traits::Block>::Hash,
) -> u64 {
	let key = pallet_timestamp::Now::<keyshards_runtime::Runtime>::hashed_key();
	client
		.storage(parent, &sp_core::storage::StorageKey(key.to_vec()))
		.ok()
		.flatten()
		.and_then(|data| u64::decode(&mut &data.0[..]).ok())
		.unwrap_or_default()
}

/// A development chain's authoring: a block due every `block_time` (on a fixed schedule, however
/// long one takes to build), imported through GRANDPA's block import and finalised by the
/// GRANDPA voter.
///
/// Blocks carry Aura pre-digests so the runtime's slot rules hold: each block's timestamp is the
/// later of the wall clock and the parent's timestamp plus one slot, so slots strictly increase
/// whatever the block time. The dev chain's slot is its default block time (1 s), so its clock
/// follows the wall clock; with a shorter `--dev-block-time` it runs ahead.
///
/// This is manual seal's block production without its storage proof: `sc-consensus-manual-seal`
/// records every trie node a block reads, for parachains, and this chain has no use for the proof
/// (Aura's digest ignores it, and Aura authoring records none), so it would cost a dev chain's
/// blocks what a validator's do not.
fn start_dev_sealing(
	task_manager: &TaskManager,
	client: Arc<FullClient>,
	select_chain: FullSelectChain,
	mut block_import: GrandpaBlockImport,
	mut proposer_factory: sc_basic_authorship::ProposerFactory<TransactionPool, FullClient>,
	block_time: Duration,
) {
	let digests = AuraConsensusDataProvider::new(client.clone());
	let sealing = async move {
		// Blocks are due on a fixed schedule, so a block's building time does not stretch the
		// interval (it did: `block_time` plus the build); a late block does not bring the next
		// one forward either.
		let mut due = std::time::Instant::now() + block_time;
		loop {
			futures_timer::Delay::new(due.saturating_duration_since(std::time::Instant::now()))
				.await;
			due = (due + block_time).max(std::time::Instant::now());
			let sealed = seal_dev_block(
				&client,
				&select_chain,
				&mut block_import,
				&mut proposer_factory,
				&digests,
			)
			.await;
			if let Err(error) = sealed {
				log::error!(target: "keyshards", "Dev chain: no block sealed: {error}");
			}
		}
	};
	task_manager.spawn_essential_handle().spawn_blocking(
		"dev-sealing",
		Some("block-authoring"),
		sealing,
	);
}

/// Builds one dev-chain block on the best block and imports it (see [`start_dev_sealing`]).
async fn seal_dev_block(
	client: &Arc<FullClient>,
	select_chain: &FullSelectChain,
	block_import: &mut GrandpaBlockImport,
	proposer_factory: &mut sc_basic_authorship::ProposerFactory<TransactionPool, FullClient>,
	digests: &AuraConsensusDataProvider<Block>,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
	use sc_consensus::{BlockImport, ForkChoiceStrategy, ImportResult, StateAction};
	use sc_consensus_manual_seal::ConsensusDataProvider;
	use sp_consensus::{Environment, Proposer, SelectChain};
	use sp_inherents::InherentDataProvider;
	use sp_runtime::traits::{Block as BlockT, Header as HeaderT};

	let parent = select_chain.best_chain().await?;
	let slot = sc_consensus_aura::standalone::slot_duration_at(&**client, parent.hash())?;
	let wall_clock = sp_timestamp::Timestamp::current().as_millis();
	let timestamp = wall_clock.max(parent_timestamp(client, parent.hash()) + slot.as_millis());
	let inherent_data =
		sp_timestamp::InherentDataProvider::new(timestamp.into()).create_inherent_data().await?;
	let inherent_digests = digests.create_digest(&parent, &inherent_data)?;
	let proposer = proposer_factory.init(&parent).await?;
	let proposal = proposer
		.propose(sp_consensus::ProposeArgs {
			inherent_data,
			inherent_digests,
			max_duration: Duration::from_secs(sc_consensus_manual_seal::MAX_PROPOSAL_DURATION),
			..Default::default()
		})
		.await?;
	let (header, body) = proposal.block.deconstruct();
	let number = *header.number();
	let mut params = sc_consensus::BlockImportParams::new(sp_consensus::BlockOrigin::Own, header);
	params.body = Some(body);
	params.fork_choice = Some(ForkChoiceStrategy::LongestChain);
	params.state_action =
		StateAction::ApplyChanges(sc_consensus::StorageChanges::Changes(proposal.storage_changes));
	match block_import.import_block(params).await? {
		ImportResult::Imported(_) => Ok(()),
		other => Err(format!("block #{number} not imported: {other:?}").into()),
	}
}
