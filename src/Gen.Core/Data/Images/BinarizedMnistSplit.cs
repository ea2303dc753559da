namespace Gen.Data;

/// <summary>The splits of the statically binarized MNIST of Larochelle and Murray (2011).</summary>
public enum BinarizedMnistSplit
{
    /// <summary>The 50000 training images.</summary>
    Train,

    /// <summary>The 10000 validation images.</summary>
    Valid,

    /// <summary>The 10000 test images, on which negative log-likelihoods are reported (stored sorted by class).</summary>
    Test,
}
