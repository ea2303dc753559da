using System;

namespace Gen.Dsl;

/// <summary>Checks shared by the pixel model specs.</summary>
internal static class PixelSpecChecks
{
    /// <summary>Checks the image shape and head of a spec named <paramref name="node"/>.</summary>
    internal static void Image(string node, int channels, int height, int width, PixelHead head)
    {
        Positive(channels, node, "channels");
        Positive(height, node, "height");
        Positive(width, node, "width");
        ArgumentNullException.ThrowIfNull(head);
    }

    private static void Positive(int value, string node, string name)
    {
        if (value < 1)
        {
            throw new GenShapeException($"{node}.{name}", $"must be positive, got {value}.");
        }
    }
}
