using System;
using System.Runtime.CompilerServices;
using Gen.Runtime;
using Xunit;

namespace Gen.Cuda.Tests;

/// <summary>A fact that needs a CUDA GPU: skipped, and reported as skipped, where none is present.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class CudaFactAttribute : FactAttribute
{
    public CudaFactAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        SkipUnless = nameof(CudaPresence.Present);
        SkipType = typeof(CudaPresence);
        Skip = "No CUDA runtime and GPU on this machine (set GEN_LIBTORCH_DIR to a CUDA libtorch's lib folder to run these).";
    }
}

/// <summary>Whether CUDA is usable here, decided once.</summary>
public static class CudaPresence
{
    private static readonly Lazy<bool> present = new(() =>
    {
        GenRuntime.EnsureLoaded();
        return Device.IsCudaAvailable;
    });

    public static bool Present => present.Value;
}
