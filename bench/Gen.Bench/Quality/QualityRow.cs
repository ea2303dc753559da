using System.Text.Json.Serialization;

namespace Gen.Bench;

/// <summary>One measured number beside the paper's, with the budget that produced it.</summary>
/// <param name="Model">The case, as listed by <c>quality --list</c>.</param>
/// <param name="Dataset">The data set and split the number is measured on.</param>
/// <param name="Metric">What the number is (for example "test NLL, nats").</param>
/// <param name="Value">Our measurement.</param>
/// <param name="PaperValue">The paper's number for the same metric, or null where the paper reports none.</param>
/// <param name="Paper">Where the paper's number comes from.</param>
/// <param name="Architecture">The model as trained here.</param>
/// <param name="Budget">Training time, epochs, steps, batch, optimizer and the machine.</param>
/// <param name="Note">Why a number differs from the paper's, where it does.</param>
internal sealed record QualityRow(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("dataset")] string Dataset,
    [property: JsonPropertyName("metric")] string Metric,
    [property: JsonPropertyName("value")] double Value,
    [property: JsonPropertyName("paper_value")] double? PaperValue,
    [property: JsonPropertyName("paper")] string Paper,
    [property: JsonPropertyName("architecture")] string Architecture,
    [property: JsonPropertyName("budget")] string Budget,
    [property: JsonPropertyName("note")] string? Note);
