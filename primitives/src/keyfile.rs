//! Secret key files (`std` only): a 32-byte key as 64 hexadecimal digits (an optional `0x` and
//! surrounding white space allowed) in a file that only its owner may access.
//!
//! Used for piece roots (KSG nodes, `import-root`, holders' exports). Errors name the file
//! and what is wrong with it, never its content.

use std::{
	io::Write,
	path::{Path, PathBuf},
};
use zeroize::Zeroizing;

/// Why a key file was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyFileError {
	/// The file could not be read.
	#[error("key file {}: cannot read it: {source}", path.display())]
	Unreadable {
		/// The file.
		path: PathBuf,
		/// Why.
		source: std::io::Error,
	},
	/// Group or others may access the file.
	#[error(
		"key file {}: group or others may access it (mode {mode:03o}); run `chmod 600` on it",
		path.display()
	)]
	TooOpen {
		/// The file.
		path: PathBuf,
		/// Its permission bits.
		mode: u32,
	},
	/// The content is not a 32-byte key in hexadecimal.
	#[error("key file {}: expected a 32-byte key as 64 hexadecimal digits", path.display())]
	Malformed {
		/// The file.
		path: PathBuf,
	},
	/// A key file is never overwritten.
	#[error("key file {}: already exists; refusing to overwrite it", path.display())]
	Exists {
		/// The file.
		path: PathBuf,
	},
	/// The file could not be written.
	#[error("key file {}: cannot write it: {source}", path.display())]
	Unwritable {
		/// The file.
		path: PathBuf,
		/// Why.
		source: std::io::Error,
	},
}

/// Reads a key file, refusing one that group or others may access.
pub fn read_key_file(path: &Path) -> Result<Zeroizing<[u8; 32]>, KeyFileError> {
	let unreadable = |source| KeyFileError::Unreadable { path: path.into(), source };
	#[cfg(unix)]
	{
		use std::os::unix::fs::PermissionsExt;
		let mode = std::fs::metadata(path).map_err(unreadable)?.permissions().mode() & 0o777;
		if mode & 0o077 != 0 {
			return Err(KeyFileError::TooOpen { path: path.into(), mode });
		}
	}
	let text = Zeroizing::new(std::fs::read_to_string(path).map_err(unreadable)?);
	let digits = text.trim();
	let digits = digits.strip_prefix("0x").unwrap_or(digits);
	let mut key = Zeroizing::new([0u8; 32]);
	if digits.len() != 64 || hex::decode_to_slice(digits, &mut key[..]).is_err() {
		return Err(KeyFileError::Malformed { path: path.into() });
	}
	Ok(key)
}

/// Writes a new key file readable by its owner only (mode 0600); never overwrites one.
pub fn write_key_file(path: &Path, key: &[u8; 32]) -> Result<(), KeyFileError> {
	let mut options = std::fs::OpenOptions::new();
	options.write(true).create_new(true);
	#[cfg(unix)]
	{
		use std::os::unix::fs::OpenOptionsExt;
		options.mode(0o600);
	}
	let mut file = options.open(path).map_err(|source| match source.kind() {
		std::io::ErrorKind::AlreadyExists => KeyFileError::Exists { path: path.into() },
		_ => KeyFileError::Unwritable { path: path.into(), source },
	})?;
	let mut text = Zeroizing::new(hex::encode(key));
	text.push('\n');
	file.write_all(text.as_bytes())
		.and_then(|()| file.sync_all())
		.map_err(|source| KeyFileError::Unwritable { path: path.into(), source })
}

#[cfg(test)]
mod tests {
	use super::*;
	use std::os::unix::fs::PermissionsExt;

	fn file_with(content: &str, mode: u32) -> tempfile::NamedTempFile {
		let file = tempfile::NamedTempFile::new().unwrap();
		std::fs::write(file.path(), content).unwrap();
		std::fs::set_permissions(file.path(), std::fs::Permissions::from_mode(mode)).unwrap();
		file
	}

	#[test]
	fn a_key_file_is_64_hex_digits_readable_by_its_owner_only() {
		let hex = "11".repeat(32);
		let file = file_with(&format!("0x{hex}\n"), 0o600);
		assert_eq!(*read_key_file(file.path()).unwrap(), [0x11; 32]);

		let open = file_with(&hex, 0o644);
		let error = read_key_file(open.path()).unwrap_err();
		assert!(matches!(error, KeyFileError::TooOpen { mode: 0o644, .. }));
		assert!(error.to_string().contains("chmod 600"));

		for bad in ["11".repeat(31), "zz".repeat(32), "11".repeat(33)] {
			let file = file_with(&bad, 0o400);
			let error = read_key_file(file.path()).unwrap_err();
			assert!(matches!(error, KeyFileError::Malformed { .. }));
			assert!(!error.to_string().contains(&bad), "the message never echoes the file");
		}
		let missing = read_key_file(Path::new("/nonexistent/key")).unwrap_err();
		assert!(matches!(missing, KeyFileError::Unreadable { .. }));
	}

	#[test]
	fn a_written_key_file_is_private_reads_back_and_is_never_overwritten() {
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("device.key");
		write_key_file(&path, &[0xab; 32]).unwrap();
		let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
		assert_eq!(mode, 0o600);
		assert_eq!(*read_key_file(&path).unwrap(), [0xab; 32]);
		assert!(matches!(write_key_file(&path, &[1; 32]), Err(KeyFileError::Exists { .. })));
		assert_eq!(*read_key_file(&path).unwrap(), [0xab; 32], "the first key is kept");
	}
}
