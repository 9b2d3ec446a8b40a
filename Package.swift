// swift-tools-version:6.0
import PackageDescription

// Hot numeric code is compiled for AVX2/FMA (every machine of this kind has it; it roughly
// doubles vectorized elementwise loops, see shared/docs/build-notes.md).
let fast: [SwiftSetting] = [
    .unsafeFlags(["-target-cpu", "haswell"], .when(configuration: .release)),
]

let package = Package(
    name: "mrsh",
    products: [
        .executable(name: "mrsh", targets: ["Shell"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // Thin shims over Debian's C libraries; one Swift file per library imports each.
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CHDF5", path: "Sources/CHDF5", pkgConfig: "hdf5",
                       providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CSndfile", path: "Sources/CSndfile", pkgConfig: "sndfile",
                       providers: [.apt(["libsndfile1-dev"])]),
        .systemLibrary(name: "CFFTW", path: "Sources/CFFTW", pkgConfig: "fftw3",
                       providers: [.apt(["libfftw3-dev"])]),
        .systemLibrary(name: "CSoxr", path: "Sources/CSoxr", pkgConfig: "soxr",
                       providers: [.apt(["libsoxr-dev"])]),
        .systemLibrary(name: "CEdit", path: "Sources/CEdit", pkgConfig: "libedit",
                       providers: [.apt(["libedit-dev"])]),

        // Layers (docs/architecture.md): arrows point down only.
        .target(name: "Tensor", dependencies: ["CBLAS"], swiftSettings: fast),
        .target(name: "Datasets", dependencies: ["Tensor", "CHDF5", "CZlib", "CSndfile", "CFFTW", "CSoxr"], swiftSettings: fast),
        .target(name: "Engine", dependencies: ["Tensor", "Datasets"], swiftSettings: fast),
        // The evaluator guarantees exclusive access itself; dynamic checks cost ~20% of a call.
        .target(name: "Interpreter", exclude: ["README.md"], swiftSettings: fast + [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]),
        .executableTarget(
            name: "Shell",
            dependencies: [
                "Interpreter", "Engine", "Datasets", "Tensor", "CEdit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: fast),

        // Benchmarks and the demo live apart from tests.
        .executableTarget(name: "mrsh-bench", dependencies: ["Tensor", "CBLAS"], path: "Sources/Bench",
                          swiftSettings: fast),
        .executableTarget(name: "mrsh-data-bench", dependencies: ["Datasets"], path: "Sources/DataBench",
                          swiftSettings: fast),
        .executableTarget(name: "mrsh-demo", dependencies: ["Engine", "Datasets", "Tensor"], path: "Sources/Demo",
                          swiftSettings: fast),

        // The PyTorch golden-case reader shared by TensorTests and ShellTests (a plain target: test targets cannot depend on each other).
        .target(name: "GoldenCases", dependencies: ["Tensor"], path: "Tests/GoldenCases"),
        .testTarget(name: "TensorTests", dependencies: ["Tensor", "GoldenCases"]),
        .testTarget(name: "InterpreterTests", dependencies: ["Interpreter"]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "Tensor"]),
        .testTarget(name: "EngineTests", dependencies: ["Engine", "Datasets", "Tensor"]),
        .testTarget(name: "ShellTests", dependencies: ["Shell", "GoldenCases"]),
    ],
    swiftLanguageModes: [.v5]
)
