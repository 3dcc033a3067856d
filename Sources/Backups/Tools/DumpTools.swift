import Foundation
import LocalPostgres

/// The `pg_dump` / `pg_restore` pair an operation uses, from one installation directory.
///
/// `pg_dump` refuses to dump a server of a newer major version, and an archive is best read by a
/// `pg_restore` at least as new as the `pg_dump` that wrote it; ``select(atLeast:explicitPath:environment:)``
/// picks the newest installation that satisfies both and every result says which binary was used.
public struct DumpTools: Sendable, Hashable, Codable {
    /// Full path of `pg_dump`.
    public var pgDumpPath: String
    /// Full path of `pg_restore` (same directory).
    public var pgRestorePath: String
    /// The version `pg_dump --version` reports (`15.18`).
    public var version: String
    /// The version as a number in `server_version_num` style (`150018`).
    public var versionNumber: Int

    /// The major version (`15`; `906` for 9.6).
    public var majorVersion: Int { Self.major(of: versionNumber) }

    /// The major version of a `server_version_num` (`150018` → 15, `90624` → 906).
    public static func major(of versionNumber: Int) -> Int {
        versionNumber >= 100_000 ? versionNumber / 10_000 : versionNumber / 100
    }

    /// Parses `pg_dump (PostgreSQL) 15.18 (Ubuntu 15.18-0ubuntu0.22.04.1)` → (`15.18`, 150018).
    static func parseVersion(_ output: String) -> (String, Int)? {
        let words = output.split(whereSeparator: { $0.isWhitespace })
        guard let word = words.first(where: { $0.first?.isNumber == true }) else { return nil }
        let text = String(word)
        let numbers = text.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        guard let major = numbers.first else { return nil }
        if major >= 10 {
            let minor = text.contains(".") && numbers.count > 1 ? numbers[1] : 0
            return (text, major * 10_000 + minor)
        }
        let second = numbers.count > 1 ? numbers[1] : 0
        let third = numbers.count > 2 ? numbers[2] : 0
        return (text, major * 10_000 + second * 100 + third)
    }

    /// Finds the newest `pg_dump` whose major version is at least the server's.
    ///
    /// Candidates: `explicitPath` (or `$SLIPWAY_PG_DUMP`) alone when given; otherwise the server programs
    /// ``LocalPostgres/PostgresBinaries/locate(environment:)`` finds, every `/usr/lib/postgresql/<N>/bin`,
    /// `/usr/pgsql-<N>/bin`, Homebrew's `postgresql@<N>`, and `PATH`.
    ///
    /// - Parameter serverVersionNumber: the server's `server_version_num` (0 accepts any version).
    /// - Throws: ``BackupError`` `.toolMissing` (nothing found; says what to install) or `.toolTooOld`
    ///   (lists the versions found and the server's).
    public static func select(
        atLeast serverVersionNumber: Int, explicitPath: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> DumpTools {
        let requiredMajor = major(of: serverVersionNumber)
        let explicit = explicitPath ?? environment["SLIPWAY_PG_DUMP"].flatMap { $0.isEmpty ? nil : $0 }
        let found: [DumpTools]
        if let explicit {
            guard let tools = await probe(pgDump: explicit) else {
                throw BackupError(
                    .toolMissing, "\(explicit) is not a working pg_dump (it did not answer --version)",
                    hint: "point the pg_dump setting or SLIPWAY_PG_DUMP at a pg_dump with pg_restore next to it",
                    path: explicit)
            }
            found = [tools]
        } else {
            var seen: Set<String> = []
            var list: [DumpTools] = []
            for path in candidatePaths(environment: environment) {
                let real = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
                guard !seen.contains(real) else { continue }
                seen.insert(real)
                if let tools = await probe(pgDump: path) { list.append(tools) }
            }
            found = list
        }
        guard !found.isEmpty else {
            throw BackupError(
                .toolMissing, "pg_dump and pg_restore were not found",
                hint: "install the PostgreSQL client programs at least as new as the server "
                    + "(`apt-get install postgresql-client-\(max(requiredMajor, 10))`, `brew install libpq`), "
                    + "or set SLIPWAY_PG_DUMP to a pg_dump")
        }
        let usable = found.filter { $0.majorVersion >= requiredMajor }
        guard let best = usable.max(by: { $0.versionNumber < $1.versionNumber }) else {
            let versions = found.map { "\($0.pgDumpPath) \($0.version)" }.joined(separator: ", ")
            throw BackupError(
                .toolTooOld,
                "no pg_dump is at least as new as the server (major version \(requiredMajor)); found \(versions)",
                hint: "install postgresql-client-\(requiredMajor) or newer, or set SLIPWAY_PG_DUMP to its pg_dump")
        }
        return best
    }

    /// `pg_dump --version` of one program, with `pg_restore` required in the same directory.
    static func probe(pgDump: String) async -> DumpTools? {
        guard FileManager.default.isExecutableFile(atPath: pgDump) else { return nil }
        let directory = (pgDump as NSString).deletingLastPathComponent
        let restore = directory + "/pg_restore"
        guard FileManager.default.isExecutableFile(atPath: restore) else { return nil }
        guard let output = try? await ChildProcess.capture([pgDump, "--version"], timeout: .seconds(30)),
            output.status == 0, let (version, number) = parseVersion(output.stdout)
        else { return nil }
        return DumpTools(pgDumpPath: pgDump, pgRestorePath: restore, version: version, versionNumber: number)
    }

    static func candidatePaths(environment: [String: String]) -> [String] {
        let fileManager = FileManager.default
        var paths: [String] = []
        if let binaries = try? PostgresBinaries.locate(environment: environment) {
            paths.append(binaries.path("pg_dump"))
        }
        if let entries = try? fileManager.contentsOfDirectory(atPath: "/usr/lib/postgresql") {
            paths += entries.map { "/usr/lib/postgresql/\($0)/bin/pg_dump" }
        }
        if let entries = try? fileManager.contentsOfDirectory(atPath: "/usr") {
            paths += entries.filter { $0.hasPrefix("pgsql-") }.map { "/usr/\($0)/bin/pg_dump" }
        }
        for root in ["/opt/homebrew/opt", "/usr/local/opt"] {
            if let entries = try? fileManager.contentsOfDirectory(atPath: root) {
                paths += entries.filter { $0.hasPrefix("postgresql") || $0 == "libpq" }.map { "\(root)/\($0)/bin/pg_dump" }
            }
        }
        for directory in (environment["PATH"] ?? "").split(separator: ":") {
            paths.append("\(directory)/pg_dump")
        }
        return paths
    }
}
