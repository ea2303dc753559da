using System;
using Gen.Runtime;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>Checks and compilation shared by the pixel model specs.</summary>
internal static class PixelSpecChecks
{
    /// <summary>Checks the image shape and head of a spec named <paramref name="node"/>.</summary>
    internal static void Image(string node, int channels, int height, int width, HeadSpec head)
    {
        Positive(channels, node, "channels");
        Positive(height, node, "height");
        Positive(width, node, "width");
        ArgumentNullException.ThrowIfNull(head);
        head.Check();
    }

    /// <summary>
    /// Builds a model with <paramref name="create"/> after seeding TorchSharp's global generator with
    /// <paramref name="seed"/> (when given), then moves it to <paramref name="dtype"/> (float32 when null) and <paramref name="device"/>.
    /// </summary>
    internal static TModel Compile<TModel>(Func<TModel> create, torch.Device device, torch.ScalarType? dtype, long? seed)
        where TModel : torch.nn.Module
    {
        return SpecCompiler.Compile(create, device, dtype, seed);
    }

    private static void Positive(int value, string node, string name)
    {
        if (value < 1)
        {
            throw new GenShapeException($"{node}.{name}", $"must be positive, got {value}.");
        }
    }
}
