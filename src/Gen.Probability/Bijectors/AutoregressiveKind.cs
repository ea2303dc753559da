namespace Gen.Probability.Bijectors;

/// <summary>Which side of an autoregressive layer its conditioner reads (see <see cref="AutoregressiveLayer"/>).</summary>
public enum AutoregressiveKind
{
    /// <summary>MAF (Papamakarios et al. 2017): the data side; one-pass density, D-pass sampling.</summary>
    Masked,

    /// <summary>IAF (Kingma et al. 2016): the base side; one-pass sampling, D-pass density of external data.</summary>
    Inverse,
}
