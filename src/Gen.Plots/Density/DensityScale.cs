namespace Gen.Plots;

/// <summary>What colour stands for in a density map drawn from a log-density.</summary>
public enum DensityScale
{
    /// <summary>The density exp(log p): the modes stand out, the tails fade to the lowest colour.</summary>
    Density,

    /// <summary>The log-density, floored at its maximum minus <see cref="DensityMapOptions.LogRange"/>: the tails stay visible.</summary>
    LogDensity,
}
