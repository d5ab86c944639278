use crate::{mock::*, *};
use frame_support::{assert_ok, traits::fungible::InspectHold};
use keyshards_primitives::{payload_hash, FleetRootKey, QueryError, ShardState};
use sp_runtime::BuildStorage;

#[test]
fn the_active_bundle_follows_the_schedule_and_reconstructs() {
	test(|| {
		let fleet = fleet_with(&["d"]);
		assert_eq!(KeyShards::active_bundle(fleet, device("d")), Err(QueryError::NoActiveKey));
		assert_ok!(publish(fleet, "d", 0));
		assert_ok!(publish(fleet, "d", 1));

		let bundle = KeyShards::active_bundle(fleet, device("d")).unwrap();
		assert_eq!((bundle.map.epoch, bundle.map.state), (0, ShardState::Active));
		assert_eq!(bundle, crate::mock::bundle(fleet, "d", 0));
		let master = FleetRootKey::from_slice(&ROOT).unwrap().device_master_key(&device("d"));
		assert_eq!(bundle.reconstruct(&master, &device("d")).unwrap().epoch(), 0);

		let status = KeyShards::device_status(fleet, device("d")).unwrap();
		assert_eq!(status.next_epoch, Some(2));
		assert_eq!(status.retained, 2);
		assert_eq!(status.current.map(|c| (c.epoch, c.state)), Some((0, ShardState::Active)));
		assert_eq!(
			status.pending.map(|p| (p.epoch, p.state, p.valid_from)),
			Some((1, ShardState::Pending, 11))
		);

		jump_to_block(11);
		let bundle = KeyShards::active_bundle(fleet, device("d")).unwrap();
		assert_eq!((bundle.map.epoch, bundle.map.state), (1, ShardState::Active));
		assert_eq!(
			KeyShards::bundle(fleet, device("d"), 0).unwrap().map.state,
			ShardState::Invalidated
		);
		let status = KeyShards::device_status(fleet, device("d")).unwrap();
		assert_eq!((status.current.unwrap().epoch, status.pending), (1, None));

		jump_to_block(21);
		assert_eq!(KeyShards::active_bundle(fleet, device("d")), Err(QueryError::NoActiveKey));
		assert_eq!(KeyShards::device_status(fleet, device("d")).unwrap().current, None);
	})
}

#[test]
fn queries_name_what_is_missing() {
	test(|| {
		let fleet = fleet_with(&["d"]);
		assert_eq!(KeyShards::bundle(9, device("d"), 0), Err(QueryError::UnknownFleet));
		assert_eq!(KeyShards::bundle(fleet, device("x"), 0), Err(QueryError::UnknownDevice));
		assert_eq!(KeyShards::bundle(fleet, device("d"), 0), Err(QueryError::UnknownEpoch));
		assert_eq!(KeyShards::use_record(fleet, device("d"), 0), Err(QueryError::UnknownEpoch));
		assert_eq!(KeyShards::device_status(fleet, device("x")), Err(QueryError::UnknownDevice));
		assert_eq!(KeyShards::device_statuses(9, None, 10), Err(QueryError::UnknownFleet));
		assert!(KeyShards::fleet_info(9).is_none());
		assert_eq!(KeyShards::fleet_info(fleet).unwrap().owner, OWNER);
	})
}

#[test]
fn the_use_record_is_readable_by_anyone() {
	test(|| {
		let fleet = fleet_with(&["d"]);
		assert_ok!(publish(fleet, "d", 0));
		assert_eq!(KeyShards::use_record(fleet, device("d"), 0), Ok(None));
		let key = device_key(fleet, "d", 0);
		let signature = key.sign(b"fw");
		assert_ok!(KeyShards::record_use(
			frame_system::RawOrigin::Authorized.into(),
			fleet,
			device("d"),
			0,
			payload_hash(b"fw"),
			signature
		));
		let record = KeyShards::use_record(fleet, device("d"), 0).unwrap().unwrap();
		assert_eq!(
			(record.payload_hash, record.signature, record.at),
			(payload_hash(b"fw"), signature, 1)
		);
		assert_eq!(
			KeyShards::active_bundle(fleet, device("d")).unwrap().map.state,
			ShardState::Used
		);
	})
}

#[test]
fn device_statuses_page_through_a_fleet() {
	test(|| {
		let names: Vec<String> = (0..7).map(|i| format!("p-{i}")).collect();
		let fleet = fleet_with(&names.iter().map(String::as_str).collect::<Vec<_>>());
		let mut seen = Vec::new();
		let mut after = None;
		loop {
			let page = KeyShards::device_statuses(fleet, after.clone(), 3).unwrap();
			assert!(page.len() <= 3);
			if page.is_empty() {
				break;
			}
			after = Some(page.last().unwrap().device.clone());
			seen.extend(page.into_iter().map(|s| s.device));
		}
		seen.sort();
		let mut expected: Vec<_> = names.iter().map(|n| device(n)).collect();
		expected.sort();
		assert_eq!(seen, expected, "every device exactly once");
	})
}

#[test]
fn genesis_creates_fleets_with_their_devices_and_deposits() {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> { balances: vec![(OWNER, FUNDS)], ..Default::default() }
		.assimilate_storage(&mut storage)
		.unwrap();
	crate::GenesisConfig::<Test> {
		fleets: vec![GenesisFleet {
			owner: OWNER,
			rotation_period: PERIOD,
			shard_count: 8,
			grace_period: GRACE,
			authorities: vec![KSG],
			devices: vec!["g-1".into(), "g-2".into()],
		}],
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	sp_io::TestExternalities::new(storage).execute_with(|| {
		let info = Fleets::<Test>::get(0).unwrap();
		assert_eq!((info.owner, info.devices, info.params.shard_count.get()), (OWNER, 2, 8));
		assert!(Devices::<Test>::contains_key(0, device("g-1")));
		assert_eq!(
			Balances::balance_on_hold(&HoldReason::DeviceDeposit.into(), &OWNER),
			2 * DEVICE_DEPOSIT
		);
		KeyShards::do_try_state().unwrap();
	});
}

#[test]
fn a_genesis_fleet_parses_from_json() {
	let json = r#"{"owner":1,"rotationPeriod":10,"shardCount":4,"gracePeriod":10,
		"authorities":[2],"devices":["demo-1"]}"#;
	let fleet: GenesisFleet<u64, u64> = serde_json::from_str(json).unwrap();
	assert_eq!(fleet.devices, vec!["demo-1".to_string()]);
	assert!(serde_json::from_str::<GenesisFleet<u64, u64>>(r#"{"owner":1,"typo":2}"#).is_err());
}
