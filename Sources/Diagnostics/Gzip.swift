/// A gzip (RFC 1952) reader with its own inflate (RFC 1951, after zlib's puff.c), enough for `/proc/config.gz`:
/// the whole input in memory, output bounded. The service binary links no zlib, and a system-library target for
/// one optional file would not pay.
package enum Gzip {
    /// The decompressed bytes, or nil when the input is not gzip, is corrupt, or decompresses past `limit`.
    package static func decompress(_ input: [UInt8], limit: Int = 16 << 20) -> [UInt8]? {
        guard input.count >= 18, input[0] == 0x1f, input[1] == 0x8b, input[2] == 8 else { return nil }
        let flags = input[3]
        var offset = 10
        if flags & 4 != 0 {
            guard offset + 2 <= input.count else { return nil }
            offset += 2 + Int(input[offset]) + Int(input[offset + 1]) << 8
        }
        for flag: UInt8 in [8, 16] where flags & flag != 0 {
            while offset < input.count && input[offset] != 0 { offset += 1 }
            offset += 1
        }
        if flags & 2 != 0 { offset += 2 }
        guard offset < input.count else { return nil }
        var inflater = Inflater(input: input, bitPosition: offset * 8, limit: limit)
        return inflater.run()
    }

    private struct Huffman {
        var counts = [Int](repeating: 0, count: 16)
        var symbols: [Int]

        /// Canonical codes from code lengths; nil for an over-subscribed set.
        init?(lengths: ArraySlice<Int>) {
            symbols = [Int](repeating: 0, count: lengths.count)
            for length in lengths { counts[length] += 1 }
            var left = 1
            for length in 1..<16 {
                left = left * 2 - counts[length]
                if left < 0 { return nil }
            }
            var offsets = [Int](repeating: 0, count: 16)
            for length in 1..<15 { offsets[length + 1] = offsets[length] + counts[length] }
            for (symbol, length) in lengths.enumerated() where length != 0 {
                symbols[offsets[length]] = symbol
                offsets[length] += 1
            }
        }
    }

    private struct Inflater {
        let input: [UInt8]
        var bitPosition: Int
        let limit: Int
        var output: [UInt8] = []

        static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
        static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
        static let distanceBase = [
            1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
        ]
        static let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]
        static let lengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

        init(input: [UInt8], bitPosition: Int, limit: Int) {
            self.input = input
            self.bitPosition = bitPosition
            self.limit = limit
        }

        mutating func bits(_ count: Int) -> Int? {
            var value = 0
            for shift in 0..<count {
                let byte = bitPosition >> 3
                guard byte < input.count else { return nil }
                value |= Int((input[byte] >> UInt8(bitPosition & 7)) & 1) << shift
                bitPosition += 1
            }
            return value
        }

        mutating func decode(_ table: Huffman) -> Int? {
            var code = 0, first = 0, index = 0
            for length in 1..<16 {
                guard let bit = bits(1) else { return nil }
                code |= bit
                let count = table.counts[length]
                if code - count < first { return table.symbols[index + code - first] }
                index += count
                first = (first + count) << 1
                code <<= 1
            }
            return nil
        }

        mutating func run() -> [UInt8]? {
            while true {
                guard let last = bits(1), let type = bits(2) else { return nil }
                switch type {
                case 0: guard stored() else { return nil }
                case 1:
                    let lengths =
                        [Int](repeating: 8, count: 144) + [Int](repeating: 9, count: 112) + [Int](repeating: 7, count: 24) + [Int](repeating: 8, count: 8)
                    guard let literal = Huffman(lengths: lengths[...]), let distance = Huffman(lengths: [Int](repeating: 5, count: 30)[...]),
                        codes(literal, distance)
                    else { return nil }
                case 2: guard dynamic() else { return nil }
                default: return nil
                }
                if last == 1 { return output }
            }
        }

        mutating func stored() -> Bool {
            bitPosition = (bitPosition + 7) & ~7
            let byte = bitPosition >> 3
            guard byte + 4 <= input.count else { return false }
            let length = Int(input[byte]) | Int(input[byte + 1]) << 8
            guard length == ~(Int(input[byte + 2]) | Int(input[byte + 3]) << 8) & 0xffff, byte + 4 + length <= input.count,
                output.count + length <= limit
            else { return false }
            output += input[(byte + 4)..<(byte + 4 + length)]
            bitPosition = (byte + 4 + length) * 8
            return true
        }

        mutating func dynamic() -> Bool {
            guard let literals = bits(5).map({ $0 + 257 }), let distances = bits(5).map({ $0 + 1 }), let codeCount = bits(4).map({ $0 + 4 }),
                literals <= 286, distances <= 30
            else { return false }
            var codeLengths = [Int](repeating: 0, count: 19)
            for position in 0..<codeCount {
                guard let length = bits(3) else { return false }
                codeLengths[Self.lengthOrder[position]] = length
            }
            guard let lengthCode = Huffman(lengths: codeLengths[...]) else { return false }
            var lengths: [Int] = []
            while lengths.count < literals + distances {
                guard let symbol = decode(lengthCode) else { return false }
                if symbol < 16 {
                    lengths.append(symbol)
                    continue
                }
                let repeated: Int, times: Int
                switch symbol {
                case 16:
                    guard let previous = lengths.last, let extra = bits(2) else { return false }
                    (repeated, times) = (previous, 3 + extra)
                case 17:
                    guard let extra = bits(3) else { return false }
                    (repeated, times) = (0, 3 + extra)
                default:
                    guard let extra = bits(7) else { return false }
                    (repeated, times) = (0, 11 + extra)
                }
                guard lengths.count + times <= literals + distances else { return false }
                lengths += [Int](repeating: repeated, count: times)
            }
            guard lengths[256] != 0, let literal = Huffman(lengths: lengths[0..<literals]),
                let distance = Huffman(lengths: lengths[literals...])
            else { return false }
            return codes(literal, distance)
        }

        mutating func codes(_ literal: Huffman, _ distance: Huffman) -> Bool {
            while true {
                guard let symbol = decode(literal) else { return false }
                if symbol < 256 {
                    guard output.count < limit else { return false }
                    output.append(UInt8(symbol))
                    continue
                }
                if symbol == 256 { return true }
                let index = symbol - 257
                guard index < 29, let extra = bits(Self.lengthExtra[index]), let distanceSymbol = decode(distance), distanceSymbol < 30,
                    let distanceExtra = bits(Self.distanceExtra[distanceSymbol])
                else { return false }
                let length = Self.lengthBase[index] + extra
                let back = Self.distanceBase[distanceSymbol] + distanceExtra
                guard back <= output.count, output.count + length <= limit else { return false }
                for _ in 0..<length { output.append(output[output.count - back]) }
            }
        }
    }
}
