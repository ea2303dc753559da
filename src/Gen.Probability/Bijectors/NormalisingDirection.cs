namespace Gen.Probability.Bijectors;

/// <summary>
/// Which direction of a normalising layer (<see cref="ActNorm"/>, <see cref="BatchNorm"/>) maps data towards the
/// base distribution: the direction that is initialised from, or normalised with, the statistics of its input.
/// </summary>
public enum NormalisingDirection
{
    /// <summary>
    /// The inverse. Bijectors here map base samples to data, and a transformed distribution's log-density runs the
    /// inverse on data, so this is the direction used for density evaluation and training by maximum likelihood.
    /// </summary>
    Inverse,

    /// <summary>The forward map: for a bijector used inverted, or written in the normalising direction.</summary>
    Forward,
}
