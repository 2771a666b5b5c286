import FuzzSupport
import MachineSources

/// `/proc/cmdline`, and every word of it through the number parsers the daemon uses: memparse (kernel rules, the
/// kernel's stop-at-the-first-stranger reading, and the decimal-or-hex rules of `/sys/kernel/deferred_mem_init`),
/// size requests, and a deferred_mem_init value.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let text = FuzzDriver.text(data, size)
    _ = try? KernelCommandLine(parsing: text)
    _ = try? DeferredMemInit.parse(text, path: "/sys/kernel/deferred_mem_init/deferred_kernelcore")
    for word in text.split(whereSeparator: { $0 == " " || $0 == "=" || $0 == "\n" }).prefix(16) {
        let kernel = Memparse.parse(word)
        let strict = Memparse.parse(word, base: .decimalOrHex)
        // The strict rules accept a subset of the kernel's, with the same value.
        if let strict, kernel != strict { fatalError("memparse '\(word)': \(strict) strict, \(String(describing: kernel)) kernel") }
        _ = Memparse.parseNumber(word, base: .kernel)
        // Where the whole word is a size, the kernel's own stop-at-the-first-stranger reading takes all of it.
        if let kernel, let leading = Memparse.leading(word), leading.value != kernel || !leading.rest.isEmpty {
            fatalError("memparse '\(word)': \(kernel) whole, \(leading) leading")
        }
        guard case .success(let request) = SizeRequest.parse(word) else { continue }
        // What `plan` prints reads back as the same request.
        guard case .success(let again) = SizeRequest.parse(Substring(request.spelled)), again == request else {
            fatalError("size '\(word)' spelled '\(request.spelled)' does not read back")
        }
        if case .percent = request {
            for total: UInt64 in [0, 99, 1 << 30, .max] where request.bytes(of: total) > total {
                fatalError("\(request) of \(total) is more than \(total)")
            }
        }
    }
    return 0
}

@main
enum FuzzKernelCommandLine {
    static func main() { FuzzDriver.main("FuzzKernelCommandLine") { fuzz($0, $1) } }
}
