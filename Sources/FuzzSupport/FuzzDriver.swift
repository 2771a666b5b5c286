import CLibrary

/// The entry point every fuzz target shares: libFuzzer's driver when built for fuzzing, a stub otherwise.
///
/// SwiftPM links an executable with `main` aliased to the module's own entry point, which hides libFuzzer's
/// `main`; so the target's `@main` hands its `LLVMFuzzerTestOneInput` to `LLVMFuzzerRunDriver` itself.
/// `scripts/fuzz.sh` builds with `-sanitize=fuzzer,address -D FUZZING`; the normal build only prints how.
package enum FuzzDriver {
    package typealias TestOneInput = @convention(c) (UnsafePointer<UInt8>, Int) -> Int32

    package static func main(_ name: String, _ testOneInput: TestOneInput) -> Never {
        #if FUZZING
            var argc = CommandLine.argc
            var argv = CommandLine.unsafeArgv
            CLibrary.exit(runDriver(&argc, &argv, testOneInput))
        #else
            print("\(name): a libFuzzer target; build and run it with scripts/fuzz.sh \(name)")
            CLibrary.exit(0)
        #endif
    }

    /// The input as an array, for the parsers that take one.
    package static func bytes(_ data: UnsafePointer<UInt8>, _ size: Int) -> [UInt8] {
        Array(UnsafeBufferPointer(start: data, count: size))
    }

    /// The input as text, decoded as the daemon decodes the files it reads (invalid UTF-8 repaired).
    package static func text(_ data: UnsafePointer<UInt8>, _ size: Int) -> String {
        String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    }
}

#if FUZZING
    @_silgen_name("LLVMFuzzerRunDriver")
    private func runDriver(
        _ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
        _ testOneInput: FuzzDriver.TestOneInput
    ) -> Int32
#endif
