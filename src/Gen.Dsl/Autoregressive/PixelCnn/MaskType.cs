namespace Gen.Dsl;

/// <summary>
/// The two masks of a PixelCNN convolution (van den Oord et al. 2016). Both let a pixel see every pixel above it and
/// every pixel to its left in the same row; they differ at the centre pixel, where the colour channels are ordered
/// R &lt; G &lt; B.
/// </summary>
public enum MaskType
{
    /// <summary>
    /// The first layer: an output feature of colour group <c>c</c> sees input channels of groups strictly before <c>c</c>
    /// at the centre pixel (so a one-channel image's own pixel is hidden).
    /// </summary>
    A,

    /// <summary>Every later layer: an output feature of colour group <c>c</c> sees centre-pixel features of groups up to and including <c>c</c>.</summary>
    B,
}
