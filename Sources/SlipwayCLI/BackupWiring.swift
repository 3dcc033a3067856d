import Backups
import Foundation
import Slipway

/// Connects `deploy` to the configured backup mode.
enum BackupWiring {
    static func action(settings: ResolvedSettings, terminal: Terminal) throws -> Deployer.BackupAction? {
        let section = settings.configuration.backup
        if section.mode == .none { return nil }
        let manager = BackupManager(database: settings.connection, stateSchema: settings.stateSchema)
        return { release, environment in
            let request = try section.request(release: release, environment: environment, drill: nil, restorePoint: nil)
            let result = try await manager.create(request)
            let record = result.record
            return "backup \(record.id) at \(record.location ?? "?"), \(record.sizeBytes ?? 0) bytes, sha256 \(record.sha256?.prefix(16) ?? "")…, verified: \(record.verified ? "yes" : "no")"
        }
    }
}
