namespace Gen.Dsl;

/// <summary>How an image coupling splits an event [C, H, W] into kept and transformed entries.</summary>
public enum ImageMaskKind
{
    /// <summary>RealNVP's spatial checkerboard: pixel (h, w) is kept where h + w is even (odd for the flipped mask), in every channel.</summary>
    Checkerboard,

    /// <summary>RealNVP's and Glow's channel mask: the first half of the channels is kept (the second for the flipped mask).</summary>
    Channel,
}
