using System;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>What every spec's <c>Compile(device, dtype, seed)</c> does: build the modules, then place them.</summary>
internal static class SpecCompiler
{
    /// <summary>
    /// Builds the module with <paramref name="create"/> (its initial weights drawn with <paramref name="seed"/> when
    /// given, see <see cref="Seed.Building{T}"/>), converts it to <paramref name="dtype"/> (float32 when null) and moves
    /// it to <paramref name="device"/>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="dtype"/> is not a floating-point type.</exception>
    public static T Compile<T>(Func<T> create, torch.Device device, torch.ScalarType? dtype, long? seed)
        where T : torch.nn.Module
    {
        ArgumentNullException.ThrowIfNull(create);
        ArgumentNullException.ThrowIfNull(device);
        var type = dtype ?? torch.float32;
        if (type is not (torch.ScalarType.Float32 or torch.ScalarType.Float64 or torch.ScalarType.Float16 or torch.ScalarType.BFloat16))
        {
            throw new ArgumentException($"Models compute in a floating-point type, got {type}.", nameof(dtype));
        }

        var module = Seed.Building(seed, create);
        module.to(type).to(device);
        return module;
    }
}
