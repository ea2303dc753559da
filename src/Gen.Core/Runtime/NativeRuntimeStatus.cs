using System.Collections.Generic;

namespace Gen.Runtime;

/// <summary>What Gen did to make TorchSharp's native runtime load.</summary>
/// <param name="Kind">How the native library was loaded.</param>
/// <param name="GluePath">The <c>libLibTorchSharp.so</c> actually loaded, when Gen loaded it.</param>
/// <param name="LibTorchDirectory">The libtorch folder Gen used, when Gen loaded it.</param>
/// <param name="WeakenedVersions">Symbol versions marked weak in the patched copy (empty unless <see cref="NativeLoadKind.Patched"/>).</param>
public readonly record struct NativeRuntimeStatus(NativeLoadKind Kind, string? GluePath, string? LibTorchDirectory, IReadOnlyList<string> WeakenedVersions);
