//! The node's services: a full client on ParityDB, the transaction pool, networking, off-chain
//! workers and RPC, with one of two block-authoring set-ups:
//!
//! - **Aura + GRANDPA** for every chain but a development one;
//! - **timer sealing** for a development chain: a block every `--dev-block-time` milliseconds,
//!   finalised at once, so a dev chain rotates keys in seconds.

use std::{sync::Arc, time::Duration};

use codec::Decode;
use futures::{FutureExt, StreamExt};
use keyshards_runtime::{apis::RuntimeApi, opaque::Block, SLOT_DURATION};
use sc_client_api::{Backend, BlockBackend, StorageProvider};
use sc_consensus_aura::{ImportQueueParams, SlotProportion, StartAuraParams};
use sc_consensus_grandpa::SharedVoterState;
use sc_service::{
	error::Error as ServiceError, ChainType, Configuration, TaskManager, WarpSyncConfig,
};
use sc_telemetry::{Telemetry, TelemetryWorker};
use sc_transaction_pool_api::OffchainTransactionPoolFactory;
use sp_consensus_aura::sr25519::{AuthorityId as AuraId, AuthorityPair as AuraPair};
use sp_core::storage::StorageKey;

use crate::cli::KeyshardsParams;

/// The full client.
pub type FullClient = sc_service::TFullClient<
	Block,
	RuntimeApi,
	sc_executor::WasmExecutor<sp_io::SubstrateHostFunctions>,
>;
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

	let executor = sc_service::new_wasm_executor::<sp_io::SubstrateHostFunctions>(&config.executor);
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

/// The Aura + GRANDPA parts, for chain subcommands (check, import, revert) and `new_full`.
pub fn new_partial(config: &Configuration) -> Result<Service, ServiceError> {
	let Core {
		client,
		backend,
		keystore_container,
		task_manager,
		select_chain,
		transaction_pool,
		telemetry,
	} = new_core(config)?;

	let (grandpa_block_import, grandpa_link) = sc_consensus_grandpa::block_import(
		client.clone(),
		GRANDPA_JUSTIFICATION_PERIOD,
		&client,
		select_chain.clone(),
		telemetry.as_ref().map(|x| x.handle()),
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
			spawner: &task_manager.spawn_essential_handle(),
			registry: config.prometheus_registry(),
			check_for_equivocation: Default::default(),
			telemetry: telemetry.as_ref().map(|x| x.handle()),
			compatibility_mode: Default::default(),
		})?;

	Ok(sc_service::PartialComponents {
		client,
		backend,
		task_manager,
		import_queue,
		keystore_container,
		select_chain,
		transaction_pool,
		other: (grandpa_block_import, grandpa_link, telemetry),
	})
}

/// Gives the KSG its root keys (and, on a development chain, the demo KSG's signing key), then
/// starts the off-chain workers on every imported best block.
#[allow(clippy::too_many_arguments)]
fn start_offchain_workers(
	config: &Configuration,
	task_manager: &TaskManager,
	client: &Arc<FullClient>,
	backend: &Arc<FullBackend>,
	keystore: sp_keystore::KeystorePtr,
	transaction_pool: &Arc<TransactionPool>,
	network: Arc<dyn sc_network::service::traits::NetworkService>,
	ksg_keys: &[(pallet_key_shards::FleetId, crate::ksg::RootKey)],
) -> Result<(), ServiceError> {
	crate::ksg::install_root_keys(backend, ksg_keys).map_err(ServiceError::Other)?;
	if config.chain_spec.chain_type() == ChainType::Development {
		crate::ksg::insert_dev_signing_key(&keystore).map_err(ServiceError::Other)?;
	}
	if !config.offchain_worker.enabled {
		return Ok(());
	}
	let offchain_workers = sc_offchain::OffchainWorkers::new(sc_offchain::OffchainWorkerOptions {
		runtime_api_provider: client.clone(),
		is_validator: config.role.is_authority(),
		keystore: Some(keystore),
		offchain_db: backend.offchain_storage(),
		transaction_pool: Some(OffchainTransactionPoolFactory::new(transaction_pool.clone())),
		network_provider: Arc::new(network),
		enable_http_requests: false,
		custom_extensions: |_| vec![],
	})?;
	task_manager.spawn_handle().spawn(
		"offchain-workers-runner",
		"offchain-worker",
		offchain_workers.run(client.clone(), task_manager.spawn_handle()).boxed(),
	);
	Ok(())
}

/// The RPC extensions builder.
fn rpc_builder(
	client: &Arc<FullClient>,
	pool: &Arc<TransactionPool>,
) -> Box<dyn Fn(sc_rpc::SubscriptionTaskExecutor) -> Result<jsonrpsee::RpcModule<()>, ServiceError>>
{
	let client = client.clone();
	let pool = pool.clone();
	Box::new(move |_| {
		let deps = crate::rpc::FullDeps { client: client.clone(), pool: pool.clone() };
		crate::rpc::create_full(deps).map_err(Into::into)
	})
}

/// Builds and starts a full node for `config`.
pub fn new_full<
	N: sc_network::NetworkBackend<Block, <Block as sp_runtime::traits::Block>::Hash>,
>(
	mut config: Configuration,
	params: &KeyshardsParams,
) -> Result<TaskManager, ServiceError> {
	let development = config.chain_spec.chain_type() == ChainType::Development;
	let ksg_keys = crate::ksg::root_keys(&params.ksg_keys, development)
		.map_err(|error| ServiceError::Other(error.to_string()))?;
	// A node given fleet root keys runs the KSG whatever its role.
	if !ksg_keys.is_empty() {
		config.offchain_worker.enabled = true;
	}
	if development {
		new_dev::<N>(config, Duration::from_millis(params.dev_block_time), ksg_keys)
	} else {
		new_aura_grandpa::<N>(config, ksg_keys)
	}
}

fn new_aura_grandpa<
	N: sc_network::NetworkBackend<Block, <Block as sp_runtime::traits::Block>::Hash>,
>(
	config: Configuration,
	ksg_keys: Vec<(pallet_key_shards::FleetId, crate::ksg::RootKey)>,
) -> Result<TaskManager, ServiceError> {
	let sc_service::PartialComponents {
		client,
		backend,
		mut task_manager,
		import_queue,
		keystore_container,
		select_chain,
		transaction_pool,
		other: (block_import, grandpa_link, mut telemetry),
	} = new_partial(&config)?;

	let mut net_config = sc_network::config::FullNetworkConfiguration::<
		Block,
		<Block as sp_runtime::traits::Block>::Hash,
		N,
	>::new(&config.network, config.prometheus_registry().cloned());
	let metrics = N::register_notification_metrics(config.prometheus_registry());

	let peer_store_handle = net_config.peer_store_handle();
	let grandpa_protocol_name = sc_consensus_grandpa::protocol_standard_name(
		&client.block_hash(0).ok().flatten().expect("Genesis block exists; qed"),
		&config.chain_spec,
	);
	let (grandpa_protocol_config, grandpa_notification_service) =
		sc_consensus_grandpa::grandpa_peers_set_config::<_, N>(
			grandpa_protocol_name.clone(),
			metrics.clone(),
			peer_store_handle,
		);
	net_config.add_notification_protocol(grandpa_protocol_config);

	let warp_sync = Arc::new(sc_consensus_grandpa::warp_proof::NetworkProvider::new(
		backend.clone(),
		grandpa_link.shared_authority_set().clone(),
		Vec::default(),
	));

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
			warp_sync_config: Some(WarpSyncConfig::WithProvider(warp_sync)),
			block_relay: None,
			metrics,
			gap_sync_body_policy: None,
		})?;

	start_offchain_workers(
		&config,
		&task_manager,
		&client,
		&backend,
		keystore_container.keystore(),
		&transaction_pool,
		network.clone(),
		&ksg_keys,
	)?;
	drop(ksg_keys);

	let role = config.role;
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
		rpc_builder: rpc_builder(&client, &transaction_pool),
		backend,
		system_rpc_tx,
		tx_handler_controller,
		sync_service: sync_service.clone(),
		config,
		telemetry: telemetry.as_mut(),
		tracing_execute_block: None,
	})?;

	if role.is_authority() {
		let proposer_factory = sc_basic_authorship::ProposerFactory::new(
			task_manager.spawn_handle(),
			client.clone(),
			transaction_pool.clone(),
			prometheus_registry.as_ref(),
			telemetry.as_ref().map(|x| x.handle()),
		);
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
			link: grandpa_link,
			network,
			sync: Arc::new(sync_service),
			notification_service: grandpa_notification_service,
			voting_rule: sc_consensus_grandpa::VotingRulesBuilder::default().build(),
			prometheus_registry,
			shared_voter_state: SharedVoterState::empty(),
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
	let key = [sp_io::hashing::twox_128(b"Timestamp"), sp_io::hashing::twox_128(b"Now")].concat();
	client
		.storage(parent, &StorageKey(key))
		.ok()
		.flatten()
		.and_then(|data| u64::decode(&mut &data.0[..]).ok())
		.unwrap_or_default()
}

/// A development chain: a block every `block_time`, finalised at once.
///
/// Blocks carry Aura pre-digests so the runtime's slot rules hold: each block's timestamp is the
/// later of the wall clock and the parent's timestamp plus one slot, so slots strictly increase
/// whatever the block time (the dev chain's clock runs ahead when blocks come faster than slots).
fn new_dev<N: sc_network::NetworkBackend<Block, <Block as sp_runtime::traits::Block>::Hash>>(
	config: Configuration,
	block_time: Duration,
	ksg_keys: Vec<(pallet_key_shards::FleetId, crate::ksg::RootKey)>,
) -> Result<TaskManager, ServiceError> {
	let Core {
		client,
		backend,
		keystore_container,
		mut task_manager,
		select_chain,
		transaction_pool,
		mut telemetry,
	} = new_core(&config)?;

	let import_queue = sc_consensus_manual_seal::import_queue(
		Box::new(client.clone()),
		&task_manager.spawn_essential_handle(),
		config.prometheus_registry(),
	);

	let net_config = sc_network::config::FullNetworkConfiguration::<
		Block,
		<Block as sp_runtime::traits::Block>::Hash,
		N,
	>::new(&config.network, config.prometheus_registry().cloned());
	let metrics = N::register_notification_metrics(config.prometheus_registry());
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
			warp_sync_config: None,
			block_relay: None,
			metrics,
			gap_sync_body_policy: None,
		})?;

	start_offchain_workers(
		&config,
		&task_manager,
		&client,
		&backend,
		keystore_container.keystore(),
		&transaction_pool,
		network.clone(),
		&ksg_keys,
	)?;
	drop(ksg_keys);

	let prometheus_registry = config.prometheus_registry().cloned();
	sc_service::spawn_tasks(sc_service::SpawnTasksParams {
		network,
		client: client.clone(),
		keystore: keystore_container.keystore(),
		task_manager: &mut task_manager,
		transaction_pool: transaction_pool.clone(),
		rpc_builder: rpc_builder(&client, &transaction_pool),
		backend,
		system_rpc_tx,
		tx_handler_controller,
		sync_service,
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

	let commands_stream = futures::stream::unfold((), move |()| async move {
		futures_timer::Delay::new(block_time).await;
		Some((
			sc_consensus_manual_seal::EngineCommand::SealNewBlock {
				create_empty: true,
				finalize: true,
				parent_hash: None,
				sender: None,
			},
			(),
		))
	})
	.boxed();

	let timestamp_client = client.clone();
	let params = sc_consensus_manual_seal::ManualSealParams {
		block_import: client.clone(),
		env: proposer_factory,
		client: client.clone(),
		pool: transaction_pool,
		commands_stream,
		select_chain,
		consensus_data_provider: Some(Box::new(
			sc_consensus_manual_seal::consensus::aura::AuraConsensusDataProvider::new(
				client.clone(),
			),
		)),
		create_inherent_data_providers: move |parent, ()| {
			let client = timestamp_client.clone();
			async move {
				let wall_clock = sp_timestamp::Timestamp::current().as_millis();
				let next_slot = parent_timestamp(&client, parent) + SLOT_DURATION;
				let timestamp = wall_clock.max(next_slot);
				Ok(sp_timestamp::InherentDataProvider::new(timestamp.into()))
			}
		},
	};
	task_manager.spawn_essential_handle().spawn_blocking(
		"manual-seal",
		Some("block-authoring"),
		sc_consensus_manual_seal::run_manual_seal(params),
	);

	Ok(task_manager)
}
