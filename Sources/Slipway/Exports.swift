// The `Slipway` library is the one import an application needs: migrations, releases, configuration and the
// PostgreSQL client come with it.
@_exported import MigrationFormat
@_exported import Migrations
@_exported import PostgresClient
@_exported import Releases
@_exported import SlipwayConfig
@_exported import SQLLint
@_exported import Backups
