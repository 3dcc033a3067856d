import Testing

@testable import SlipwayConfig

@Suite("[plan] section")
struct PlanSectionTests {
    @Test func shadowURLDecodes() throws {
        let configuration = try SlipwayConfiguration.parse("[plan]\nshadow_url = \"postgresql://shadow@db/app_shadow\"\n")
        #expect(configuration.plan.shadowURL == "postgresql://shadow@db/app_shadow")
        #expect(try SlipwayConfiguration.parse("").plan.shadowURL == nil)
    }

    @Test func aPasswordInTheShadowURLIsRefusedWithoutRepeatingIt() throws {
        let error = try #require(throws: ConfigurationErrors.self) {
            try SlipwayConfiguration.parse("[plan]\nshadow_url = \"postgresql://shadow:s3cret@db/app_shadow\"\n")
        }
        let first = try #require(error.errors.first)
        #expect(first.code == .passwordInFile)
        #expect(first.keyPath == "plan.shadow_url")
        #expect(!first.description.contains("s3cret"))
    }

    @Test func anUnknownKeyIsAnError() throws {
        let error = try #require(throws: ConfigurationErrors.self) { try SlipwayConfiguration.parse("[plan]\nshadow = \"x\"\n") }
        #expect(error.errors.first?.keyPath == "plan.shadow")
    }
}
