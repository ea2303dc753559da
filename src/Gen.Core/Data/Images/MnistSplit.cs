namespace Gen.Data;

/// <summary>The splits of MNIST and Fashion-MNIST.</summary>
public enum MnistSplit
{
    /// <summary>The 60000 training images.</summary>
    Train,

    /// <summary>The 10000 test images (the files named t10k).</summary>
    Test,
}
