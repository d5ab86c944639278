use crate::{mock::*, *};
use frame_support::{assert_noop, assert_ok, traits::fungible::InspectHold};
use sp_runtime::DispatchError;

fn device_holds() -> u64 {
	Balances::balance_on_hold(&HoldReason::DeviceDeposit.into(), &OWNER)
}

#[test]
fn register_device_holds_a_deposit_per_device() {
	test(|| {
		let fleet = create_fleet();
		events();
		assert_ok!(KeyShards::register_device(signed(OWNER), fleet, device("sensor-1")));
		assert_eq!(
			Devices::<Test>::get(fleet, device("sensor-1")).unwrap(),
			DeviceInfo {
				deposit: DEVICE_DEPOSIT,
				registered_at: 1,
				oldest: 0,
				next_epoch: 0,
				current: None,
				pending: None
			}
		);
		assert_eq!(device_holds(), DEVICE_DEPOSIT);
		assert_eq!(events(), vec![Event::DeviceRegistered { fleet, device: device("sensor-1") }]);

		let many: Vec<_> = (0..5).map(|i| device(&format!("bulk-{i}"))).collect();
		assert_ok!(KeyShards::register_devices(
			signed(OWNER),
			fleet,
			many.clone().try_into().unwrap()
		));
		assert_eq!(device_holds(), 6 * DEVICE_DEPOSIT);
		let info = Fleets::<Test>::get(fleet).unwrap();
		assert_eq!((info.devices, info.device_deposits), (6, 6 * DEVICE_DEPOSIT));
		assert_eq!(
			events(),
			many.into_iter()
				.map(|device| Event::DeviceRegistered { fleet, device })
				.collect::<Vec<_>>()
		);
	})
}

#[test]
fn registration_is_all_or_nothing() {
	test(|| {
		let fleet = fleet_with(&["a"]);
		let batch = |names: &[&str]| -> frame_support::BoundedVec<_, _> {
			names.iter().map(|n| device(n)).collect::<Vec<_>>().try_into().unwrap()
		};
		assert_noop!(
			KeyShards::register_devices(signed(OWNER), fleet, batch(&["x", "y", "x"])),
			Error::<Test>::DuplicateDeviceInBatch
		);
		assert_noop!(
			KeyShards::register_devices(signed(OWNER), fleet, batch(&["x", "a"])),
			Error::<Test>::DeviceAlreadyRegistered
		);
		assert_noop!(
			KeyShards::register_device(signed(OWNER), fleet, device("a")),
			Error::<Test>::DeviceAlreadyRegistered
		);
		assert_noop!(
			KeyShards::register_devices(signed(OWNER), fleet, batch(&[])),
			Error::<Test>::EmptyBatch
		);
		assert_noop!(
			KeyShards::register_device(signed(KSG), fleet, device("x")),
			Error::<Test>::NotFleetOwner
		);
		assert_noop!(
			KeyShards::register_device(signed(OWNER), 5, device("x")),
			Error::<Test>::UnknownFleet
		);
		assert_noop!(
			KeyShards::register_device(RuntimeOrigin::root(), fleet, device("x")),
			DispatchError::BadOrigin
		);
	})
}

#[test]
fn registration_is_bounded_by_the_fleet_size_and_the_owners_funds() {
	test(|| {
		let fleet = fleet_with(&["a"]);
		for chunk in 0..3 {
			let names: Vec<_> =
				(0..13).map(|i| device(&format!("d-{chunk}-{i}"))).collect::<Vec<_>>();
			assert_ok!(KeyShards::register_devices(
				signed(OWNER),
				fleet,
				names.try_into().unwrap()
			));
		}
		assert_eq!(Fleets::<Test>::get(fleet).unwrap().devices, MAX_DEVICES);
		assert_noop!(
			KeyShards::register_device(signed(OWNER), fleet, device("one-more")),
			Error::<Test>::FleetFull
		);

		// Another owner's fleet, with funds for the fleet and one device only.
		assert_ok!(KeyShards::create_fleet(
			signed(STRANGER),
			PERIOD,
			SHARDS,
			GRACE,
			authorities(&[KSG])
		));
		let other = 1;
		let keep = FLEET_DEPOSIT + DEVICE_DEPOSIT + 5;
		assert_ok!(Balances::transfer_allow_death(signed(STRANGER), KSG, FUNDS - keep));
		let two: Vec<_> = vec![device("p"), device("q")];
		assert_noop!(
			KeyShards::register_devices(signed(STRANGER), other, two.try_into().unwrap()),
			Error::<Test>::InsufficientBalanceForDeposit
		);
		assert_ok!(KeyShards::register_device(signed(STRANGER), other, device("p")));
	})
}

#[test]
fn deregister_removes_every_epoch_and_releases_the_deposit() {
	test(|| {
		let fleet = fleet_with(&["a", "b"]);
		assert_ok!(publish(fleet, "a", 0));
		assert_ok!(publish(fleet, "a", 1));
		assert_eq!(Epochs::<Test>::iter_prefix((fleet, device("a"))).count(), 2);
		events();

		assert_noop!(
			KeyShards::deregister_device(signed(KSG), fleet, device("a")),
			Error::<Test>::NotFleetOwner
		);
		let info = KeyShards::deregister_device(signed(OWNER), fleet, device("a")).unwrap();
		assert_eq!(info.actual_weight, Some(<() as WeightInfo>::deregister_device(2)));
		assert_eq!(Epochs::<Test>::iter_prefix((fleet, device("a"))).count(), 0);
		assert!(Devices::<Test>::get(fleet, device("a")).is_none());
		assert_eq!(device_holds(), DEVICE_DEPOSIT);
		assert_eq!(Fleets::<Test>::get(fleet).unwrap().devices, 1);
		assert_eq!(
			events(),
			vec![Event::DeviceDeregistered { fleet, device: device("a"), epochs_removed: 2 }]
		);
		assert_noop!(
			KeyShards::deregister_device(signed(OWNER), fleet, device("a")),
			Error::<Test>::UnknownDevice
		);
		// The other device is untouched.
		assert!(Devices::<Test>::contains_key(fleet, device("b")));
	})
}
