fn main() {
	#[cfg(feature = "std")]
	{
		// The wasm is built in a nested cargo project under the target directory, which may be
		// outside this workspace (CI and local work share one): point the builder at this
		// workspace so the wasm uses this workspace's Cargo.lock. Set here, not globally, so
		// that other runtimes in the build (e.g. benchmarking's) keep their own resolution.
		if std::env::var_os("WASM_BUILD_WORKSPACE_HINT").is_none() {
			let runtime_dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it");
			let workspace = std::path::Path::new(&runtime_dir).join("..");
			std::env::set_var("WASM_BUILD_WORKSPACE_HINT", workspace);
		}
		substrate_wasm_builder::WasmBuilder::build_using_defaults();
	}
}
