import Foundation

/// Where the PostgreSQL server programs (`initdb`, `postgres`, `pg_dump`, …) live.
public struct PostgresBinaries: Sendable, Hashable {
    /// The directory holding `initdb` and `postgres`.
    public var directory: String
    /// The major version, read from the directory name or `postgres --version` (e.g. 15).
    public var majorVersion: Int?

    /// The path of one program in ``directory``.
    public func path(_ program: String) -> String { directory + "/" + program }

    /// Finds the newest server installation: `$SLIPWAY_PG_BINDIR`, then `/usr/lib/postgresql/<N>/bin`
    /// (Debian/Ubuntu), `/usr/pgsql-<N>/bin` (RHEL), Homebrew, then `PATH`.
    ///
    /// - Throws: ``LocalPostgresError`` with code `.binariesMissing`, saying which package to install.
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> PostgresBinaries
    {
        let fileManager = FileManager.default
        func usable(_ directory: String) -> Bool {
            fileManager.isExecutableFile(atPath: directory + "/initdb")
                && fileManager.isExecutableFile(atPath: directory + "/postgres")
        }
        if let explicit = environment["SLIPWAY_PG_BINDIR"], !explicit.isEmpty {
            guard usable(explicit) else {
                throw LocalPostgresError(
                    code: .binariesMissing,
                    message: "SLIPWAY_PG_BINDIR=\(explicit) does not contain initdb and postgres")
            }
            return PostgresBinaries(directory: explicit, majorVersion: nil)
        }
        var candidates: [(Int, String)] = []
        for (root, pattern) in [("/usr/lib/postgresql", "%@/bin"), ("/usr", "pgsql-%@/bin")] {
            guard let entries = try? fileManager.contentsOfDirectory(atPath: root) else { continue }
            for entry in entries {
                let name = root == "/usr" ? entry.replacingOccurrences(of: "pgsql-", with: "") : entry
                guard root != "/usr" || entry.hasPrefix("pgsql-"), let major = Int(name.split(separator: ".").first ?? "")
                else { continue }
                let directory = root + "/" + pattern.replacingOccurrences(of: "%@", with: name)
                if usable(directory) { candidates.append((major, directory)) }
            }
        }
        for brew in ["/opt/homebrew/bin", "/usr/local/bin", "/opt/homebrew/opt/postgresql/bin"] where usable(brew) {
            candidates.append((0, brew))
        }
        if let best = candidates.max(by: { $0.0 < $1.0 }) {
            return PostgresBinaries(directory: best.1, majorVersion: best.0 == 0 ? nil : best.0)
        }
        for directory in (environment["PATH"] ?? "").split(separator: ":").map(String.init) where usable(directory) {
            return PostgresBinaries(directory: directory, majorVersion: nil)
        }
        throw LocalPostgresError(
            code: .binariesMissing,
            message:
                "PostgreSQL server programs (initdb, postgres) were not found. Install them: "
                + "`apt-get install -y postgresql` (Debian/Ubuntu), `dnf install postgresql-server` (Fedora/RHEL), "
                + "`brew install postgresql@16` (macOS) — or set SLIPWAY_PG_BINDIR to their directory, "
                + "or point Slipway at an existing server with --url / DATABASE_URL.")
    }
}

/// An error starting or using a throwaway local cluster.
public struct LocalPostgresError: Error, Sendable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        /// initdb/postgres are not installed.
        public static let binariesMissing = Code("binariesMissing")
        /// initdb failed.
        public static let initdbFailed = Code("initdbFailed")
        /// The server did not start or stopped unexpectedly.
        public static let startFailed = Code("startFailed")
        /// Running as root without a `postgres` system user to run the server as.
        public static let noServiceUser = Code("noServiceUser")
        /// Preparing a database or role failed.
        public static let setupFailed = Code("setupFailed")
        public var description: String { name }
    }

    public var code: Code
    public var message: String
    /// The server's log or the failing program's output, for `--verbose`.
    public var log: String?

    public init(code: Code, message: String, log: String? = nil) {
        self.code = code
        self.message = message
        self.log = log
    }

    public var description: String { message }
}
