#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Crypto
import Foundation

/// File-system work for archives: directories, owner-only files, hashing off the cooperative pool.
enum ArchiveFiles {
    /// The absolute form of `path` (relative paths are taken from the current directory).
    static func absolute(_ path: String) -> String {
        let url = path.hasPrefix("/")
            ? URL(fileURLWithPath: path)
            : URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(path)
        return url.standardizedFileURL.path
    }

    /// Creates `directory` (and parents) with mode 0700 if missing, and checks it is a writable directory.
    static func prepareDirectory(_ directory: String) throws {
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        if fileManager.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw BackupError(
                    .directoryUnusable, "the backup directory \(directory) is not a directory",
                    hint: "choose another backup directory", path: directory)
            }
        } else {
            do {
                try fileManager.createDirectory(
                    atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw BackupError(
                    .directoryUnusable, "could not create the backup directory \(directory): \(reason(error))",
                    hint: "create it, or choose a directory this user may write", path: directory)
            }
        }
        guard access(directory, W_OK | X_OK) == 0 else {
            throw BackupError(
                .directoryUnusable, "the backup directory \(directory) is not writable: \(String(cString: strerror(errno)))",
                hint: "fix its permissions or choose another backup directory", path: directory)
        }
    }

    /// Creates an empty file readable and writable by the owner only (fails if it exists).
    static func createPrivateFile(_ path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            let message = String(cString: strerror(errno))
            throw BackupError(
                .directoryUnusable, "could not create the backup file \(path): \(message)",
                hint: "check the directory's permissions and free space", path: path)
        }
        close(descriptor)
    }

    /// Sets mode 0600.
    static func makePrivate(_ path: String) {
        chmod(path, 0o600)
    }

    /// The size of a regular file, or the total size of the regular files under a directory.
    static func size(of path: String) -> Int64? {
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        guard fileManager.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
        if !isDirectory.boolValue {
            return (try? fileManager.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value
        }
        var total: Int64 = 0
        if let enumerator = fileManager.enumerator(atPath: path) {
            while let relative = enumerator.nextObject() as? String {
                let attributes = try? fileManager.attributesOfItem(atPath: path + "/" + relative)
                if attributes?[.type] as? FileAttributeType == .typeRegular {
                    total += (attributes?[.size] as? NSNumber)?.int64Value ?? 0
                }
            }
        }
        return total
    }

    /// Whether `path` is an existing regular file.
    static func isRegularFile(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }

    /// SHA-256 (lowercase hex) and size of a file, read in 1 MiB chunks on a dedicated thread.
    static func sha256(of path: String) async throws -> (sha256: String, size: Int64) {
        try await onDedicatedThread {
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw BackupError(
                    .fileMissing, "the backup file \(path) cannot be opened: \(String(cString: strerror(errno)))",
                    hint: "check that it still exists and is readable", path: path)
            }
            defer { try? handle.close() }
            var hasher = SHA256()
            var size: Int64 = 0
            while true {
                let chunk: Data?
                do {
                    chunk = try handle.read(upToCount: 1 << 20)
                } catch {
                    throw BackupError(.archiveUnreadable, "reading \(path) failed: \(reason(error))", path: path)
                }
                guard let chunk, !chunk.isEmpty else { break }
                hasher.update(data: chunk)
                size += Int64(chunk.count)
            }
            let hex = hasher.finalize().map { String(format: "%02x", $0) }.joined()
            return (hex, size)
        }
    }

    /// Runs blocking work on its own thread, so a long read does not hold a cooperative-pool thread.
    static func onDedicatedThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try body() })
            }
            thread.name = "slipway-backup-io"
            thread.start()
        }
    }

    static func reason(_ error: any Error) -> String {
        (error as NSError).localizedDescription
    }
}
