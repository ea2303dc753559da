using System;
using Gen.Runtime;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>The steps every autoregressive spec's Compile shares: seed the initial weights, then place the module.</summary>
internal static class CompileSteps
{
    /// <summary>Loads the runtime and, with a seed, seeds TorchSharp's global generator so the initial weights repeat.</summary>
    public static void Begin(torch.Device device, long? seed)
    {
        ArgumentNullException.ThrowIfNull(device);
        GenRuntime.EnsureLoaded();
        if (seed is long s)
        {
            torch.manual_seed(s);
        }
    }

    /// <summary>Converts the module to <paramref name="dtype"/> (float32 when null) and moves it to <paramref name="device"/>.</summary>
    public static T Place<T>(T module, torch.Device device, torch.ScalarType? dtype)
        where T : torch.nn.Module
    {
        var type = dtype ?? torch.float32;
        if (type is not (torch.ScalarType.Float32 or torch.ScalarType.Float64 or torch.ScalarType.Float16 or torch.ScalarType.BFloat16))
        {
            module.Dispose();
            throw new ArgumentException($"Models compute in a floating-point type, got {type}.", nameof(dtype));
        }

        module.to(type).to(device);
        return module;
    }
}
