namespace Gen.Dsl;

/// <summary>The shape [C, H, W] of one image event at some point of an image flow.</summary>
/// <param name="Channels">C.</param>
/// <param name="Height">H.</param>
/// <param name="Width">W.</param>
internal readonly record struct ImageShape(long Channels, long Height, long Width)
{
    /// <summary>C·H·W.</summary>
    public long Size => Channels * Height * Width;

    /// <summary>The shape as an array [C, H, W].</summary>
    public long[] ToArray() => new[] { Channels, Height, Width };

    /// <inheritdoc/>
    public override string ToString() => $"[{Channels}, {Height}, {Width}]";
}
