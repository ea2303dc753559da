namespace Gen.Dsl;

/// <summary>Factories for image coupling masks.</summary>
public static class ImageMask
{
    /// <summary>RealNVP's spatial checkerboard: pixels with h + w even are kept (odd when <paramref name="odd"/>).</summary>
    public static ImageMaskSpec Checkerboard(bool odd = false) => new(ImageMaskKind.Checkerboard, odd);

    /// <summary>The channel mask: the first half of the channels is kept (the second when <paramref name="second"/>).</summary>
    public static ImageMaskSpec Channel(bool second = false) => new(ImageMaskKind.Channel, second);
}
