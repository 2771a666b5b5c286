import Foundation
import Testing

/// Each test case's fixtures live in one directory of its own (`Fixture.scope`), removed when the test case ends,
/// passed or failed: no test removes its trees itself, and a `#require` that stops a test leaks nothing.
/// `@Suite(..., .fixtures)`; `Fixture.temporaryDirectory()` throws outside one, so a suite without it fails loudly.
struct FixtureScope: TestTrait, SuiteTrait, TestScoping {
    var isRecursive: Bool { true }

    func scopeProvider(for test: Test, testCase: Test.Case?) -> Self? {
        testCase == nil ? nil : self
    }

    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        let base = access("/dev/shm", W_OK) == 0 ? URL(fileURLWithPath: "/dev/shm") : FileManager.default.temporaryDirectory
        let directory = base.appendingPathComponent("deferred-memd-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try await Fixture.$scope.withValue(directory) { try await function() }
    }
}

extension Trait where Self == FixtureScope {
    /// The test case's fixtures, removed at its end.
    static var fixtures: Self { FixtureScope() }
}
