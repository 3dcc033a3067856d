import Foundation
import Slipway

/// Connects `deploy` to the configured backup mode.
enum BackupWiring {
    static func action(settings: ResolvedSettings, terminal: Terminal) throws -> Deployer.BackupAction? {
        let backup = settings.configuration.backup
        if backup.mode == .none { return nil }
        return { _, _ in
            throw SlipwayError(
                .notImplemented, "backups (`[backup] mode = \"\(backup.mode.rawValue)\"`) are not available in this build yet",
                hint: "set `mode = \"none\"` in [backup] (and `backup_required = false` for the environment) to deploy without one")
        }
    }
}
