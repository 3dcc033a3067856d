import Foundation
import LocalPostgres
import PostgresClient
import Testing

@testable import Backups

/// A scratch database with some data, a private backup directory and a manager, for one test.
struct BackupFixture {
    let db: ScratchDatabase
    let directory: String

    static func make(_ label: String = #function, rows: Int = 500) async throws -> BackupFixture {
        let db = try await ScratchDatabases.shared.make(label: label)
        let directory = NSTemporaryDirectory() + "slipway-backups-" + UUID().uuidString
        let fixture = BackupFixture(db: db, directory: directory)
        try await fixture.execute(
            """
            CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL, note text);
            INSERT INTO accounts SELECT g, 'user' || g || '@example.com', md5(g::text) || md5((g * 7)::text)
              FROM generate_series(1, \(rows)) g;
            CREATE TABLE audit (id bigserial PRIMARY KEY, account bigint REFERENCES accounts, at timestamptz DEFAULT now());
            INSERT INTO audit (account) SELECT g FROM generate_series(1, 37) g;
            """)
        return fixture
    }

    func manager(_ configuration: ConnectionConfiguration? = nil) -> BackupManager {
        BackupManager(database: configuration ?? db.app)
    }

    func request(
        release: String? = "v1.0.0", environment: String? = "staging", drill: BackupRequest.DrillTarget? = nil,
        restorePoint: BackupRequest.RestorePointMode = .none
    ) -> BackupRequest {
        BackupRequest(
            release: release, environment: environment, method: .pgDump(directory: directory), drill: drill,
            restorePoint: restorePoint)
    }

    func execute(_ sql: String, on configuration: ConnectionConfiguration? = nil) async throws {
        let connection = try await PostgresConnection.connect(configuration ?? db.app)
        defer { Task { await connection.close() } }
        try await connection.unsafeExecuteRaw(sql)
    }

    static func scalar<T: PostgresDecodable>(_ sql: String, on configuration: ConnectionConfiguration, as type: T.Type = T.self)
        async throws -> T
    {
        let connection = try await PostgresConnection.connect(configuration)
        defer { Task { await connection.close() } }
        return try await connection.unsafeExecuteRaw(sql)[0][0].decode(at: 0, as: T.self)
    }

    /// A digest of every row of the fixture's tables, to compare two databases.
    static func contentDigest(_ configuration: ConnectionConfiguration) async throws -> String {
        try await scalar(
            """
            SELECT (SELECT count(*) FROM accounts)::text || ':' ||
                   (SELECT md5(string_agg(id::text || email || coalesce(note, ''), ',' ORDER BY id)) FROM accounts) || ':' ||
                   (SELECT count(*) FROM audit)::text
            """, on: configuration)
    }

    /// `sha256sum <path>`, independent of the library's own hashing.
    static func sha256sum(_ path: String) async throws -> String {
        let output = try await ChildProcess.capture(["/usr/bin/env", "sha256sum", path])
        return String(output.stdout.split(separator: " ").first ?? "")
    }

    /// Flips `count` bytes in the middle of a file.
    static func corrupt(_ path: String, count: Int = 16) throws {
        guard let handle = FileHandle(forUpdatingAtPath: path) else { throw CocoaError(.fileNoSuchFile) }
        defer { try? handle.close() }
        let size = try handle.seekToEnd()
        let middle = size / 2
        try handle.seek(toOffset: middle)
        let original = try handle.read(upToCount: count) ?? Data()
        try handle.seek(toOffset: middle)
        try handle.write(contentsOf: Data(original.map { ~$0 }))
    }
}

/// Collects progress lines.
final class Lines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}
