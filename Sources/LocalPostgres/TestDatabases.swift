import Foundation
import PostgresClient

/// A fresh database for one test (or one demo run), with a least-privilege application role.
public struct ScratchDatabase: Sendable {
    /// The database name.
    public let name: String
    /// The non-superuser role that owns the test's tables: it may connect, create schemas and create
    /// tables in `public`; it is not a superuser and does not own the database.
    public let role: String
    /// Connection as ``role``.
    public let app: ConnectionConfiguration
    /// Connection as a superuser (for fixtures that need one, e.g. holding locks from another role).
    public let admin: ConnectionConfiguration

    /// `app` as a URL-less key=value string, handy for the CLI's `--url`.
    public var appConnectionString: String { app.connectionStringWithOverrides }
}

extension ConnectionConfiguration {
    /// The connection string with the overrides appended as key=value pairs (for passing to a child process).
    public var connectionStringWithOverrides: String {
        var parts: [String] = []
        if !connectionString.isEmpty { parts.append(connectionString) }
        for key in overrides.keys.sorted() {
            let value = overrides[key] ?? ""
            let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
            parts.append("\(key)='\(escaped)'")
        }
        return parts.joined(separator: " ")
    }
}

/// Hands out fresh databases on one server per process: a ``LocalPostgres`` cluster started on first use,
/// or the server `POSTGRES_URL` names (it must allow creating roles and databases).
///
/// Each database is a clone of a prepared template (fast), with grants for the role `slipway_app`
/// (`CONNECT`, `CREATE`, `TEMPORARY` on the database; `USAGE`, `CREATE` on schema `public`).
public actor ScratchDatabases {
    /// The process-wide instance used by the tests.
    public static let shared = ScratchDatabases()

    /// The application role every scratch database grants to.
    public static let appRole = "slipway_app"
    private static let templateName = "slipway_template"

    private var cluster: LocalPostgres?
    private var adminBase: ConnectionConfiguration?
    private var appPassword: String?
    private var counter = 0
    private var preparing: Task<Void, any Error>?

    public init() {}

    /// The local cluster, when one was started (nil when `POSTGRES_URL` is used).
    public var localCluster: LocalPostgres? { cluster }

    /// Creates a new empty database.
    /// - Parameter label: a hint included in the database name (e.g. the test's name).
    public func make(label: String = "t") async throws -> ScratchDatabase {
        try await prepare()
        guard let adminBase else {
            throw LocalPostgresError(code: .setupFailed, message: "no server available")
        }
        counter += 1
        let cleaned = label.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "_" }
        let name = "s\(getpid())_\(counter)_" + String(String(cleaned).prefix(30))
        let admin = try await PostgresConnection.connect(adminBase)
        defer { Task { await admin.close() } }
        let version = admin.serverVersion
        let strategy = version >= 150000 ? " STRATEGY = FILE_COPY" : ""
        try await admin.unsafeExecuteRaw(
            "CREATE DATABASE \(PostgresIdentifier.quote(name)) TEMPLATE \(Self.templateName)\(strategy)")
        try await admin.unsafeExecuteRaw(
            "GRANT CONNECT, CREATE, TEMPORARY ON DATABASE \(PostgresIdentifier.quote(name)) TO \(Self.appRole)")
        var app = adminBase.with("dbname", name).with("user", Self.appRole)
        if let appPassword { app = app.with("password", appPassword) }
        return ScratchDatabase(name: name, role: Self.appRole, app: app, admin: adminBase.with("dbname", name))
    }

    /// Drops a scratch database (terminating its sessions).
    public func drop(_ database: ScratchDatabase) async throws {
        guard let adminBase else { return }
        let admin = try await PostgresConnection.connect(adminBase)
        defer { Task { await admin.close() } }
        try await admin.unsafeExecuteRaw("DROP DATABASE IF EXISTS \(PostgresIdentifier.quote(database.name)) WITH (FORCE)")
    }

    private func prepare() async throws {
        if adminBase != nil { return }
        if let preparing {
            try await preparing.value
            return
        }
        let task = Task { try await self.prepareOnce() }
        preparing = task
        do {
            try await task.value
        } catch {
            preparing = nil
            throw error
        }
    }

    private func prepareOnce() async throws {
        var base: ConnectionConfiguration
        var password: String?
        if let url = ProcessInfo.processInfo.environment["POSTGRES_URL"], !url.isEmpty {
            base = ConnectionConfiguration(url)
            password = "slipway-" + UUID().uuidString
        } else {
            let started = try await LocalPostgres.start()
            cluster = started
            base = started.connection()
        }
        let admin = try await PostgresConnection.connect(base)
        do {
            let passwordClause = password.map { " PASSWORD \(PostgresIdentifier.quoteLiteral($0))" } ?? ""
            try await admin.unsafeExecuteRaw(
                """
                DO $$ BEGIN
                  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '\(Self.appRole)') THEN
                    CREATE ROLE \(Self.appRole) LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
                  END IF;
                END $$;
                """)
            if !passwordClause.isEmpty {
                try await admin.unsafeExecuteRaw("ALTER ROLE \(Self.appRole)\(passwordClause)")
            }
            let exists = try await admin.query("SELECT 1 AS x FROM pg_database WHERE datname = \(Self.templateName)")
            if exists.isEmpty {
                try await admin.unsafeExecuteRaw("CREATE DATABASE \(Self.templateName)")
                let template = try await PostgresConnection.connect(base.with("dbname", Self.templateName))
                try await template.unsafeExecuteRaw("GRANT USAGE, CREATE ON SCHEMA public TO \(Self.appRole)")
                await template.close()
            }
        } catch {
            await admin.close()
            throw error
        }
        await admin.close()
        adminBase = base
        appPassword = password
    }
}
