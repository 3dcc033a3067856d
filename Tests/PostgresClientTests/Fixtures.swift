import LocalPostgres
import PostgresClient
import Testing

/// A fresh database on the shared throwaway cluster.
func scratch(_ label: String = #function) async throws -> ScratchDatabase {
    try await ScratchDatabases.shared.make(label: label)
}

/// Connects as the least-privilege application role.
func connectApp(_ database: ScratchDatabase) async throws -> PostgresConnection {
    try await PostgresConnection.connect(database.app)
}
