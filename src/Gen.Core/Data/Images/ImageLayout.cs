namespace Gen.Data;

/// <summary>The shape in which an image loader returns its images.</summary>
public enum ImageLayout
{
    /// <summary>[n, channels, height, width], for example [n, 1, 28, 28]: what convolutions take.</summary>
    Image,

    /// <summary>[n, channels × height × width], for example [n, 784]: what dense networks and flows take.</summary>
    Flat,
}
