namespace Gen.Dsl;

/// <summary>
/// The direction in which a flow lists its steps, and so the direction each step's bijector maps in its forward pass.
/// A step that behaves differently in the two directions (a normalisation initialised or fitted on data) reads it from
/// <see cref="StepShape.Direction"/>.
/// </summary>
public enum FlowDirection
{
    /// <summary>From the base to the data, as <see cref="Flow.Over"/> lists steps (MAF, IAF, RealNVP over vectors).</summary>
    BaseToData,

    /// <summary>From the data to the base, as <see cref="Flow.DataToBase"/> and <see cref="ImageFlow"/> list them, in the order of the RealNVP and Glow papers.</summary>
    DataToBase,
}
