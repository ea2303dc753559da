namespace Gen.Dsl;

/// <summary>How an image flow maps pixel values to the space its steps act on.</summary>
public enum ImagePreprocessingKind
{
    /// <summary>The steps act on the data as given.</summary>
    None,

    /// <summary>Glow: y ↦ y/K − ½, from [0, K) to [−½, ½).</summary>
    Centred,

    /// <summary>RealNVP: y ↦ logit(α + (1 − 2α)·y/K), from [0, K) to the real line.</summary>
    Logit,
}
