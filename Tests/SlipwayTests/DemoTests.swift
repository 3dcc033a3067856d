import Foundation
import Slipway
import Testing

@Suite("The demo's sample migration")
struct DemoTests {
    @Test func embeddedSampleMatchesTheMigrationsDirectory() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let file = try String(contentsOf: root.appendingPathComponent("migrations/" + Demo.sampleMigrationFile), encoding: .utf8)
        #expect(file == Demo.sampleMigration)
    }
}
