namespace Gen.Dsl;

/// <summary>
/// A whole-model spec that can count its own size without being built (see <see cref="SpecBudget"/>): every model kind
/// a document or checkpoint can hold is one, so a loader can refuse an oversized spec before it allocates anything.
/// </summary>
internal interface ISizedSpec
{
    /// <summary>Counts the model's features, widths, steps, layers and parameters into <paramref name="budget"/>, which refuses the first that passes a limit.</summary>
    void Measure(SpecBudget budget);
}
