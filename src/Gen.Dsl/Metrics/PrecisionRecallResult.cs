namespace Gen.Dsl;

/// <summary>Improved precision and recall (<see cref="PrecisionRecall"/>).</summary>
/// <param name="Precision">The share of generated examples inside the data's estimated support, 0 to 1.</param>
/// <param name="Recall">The share of data examples inside the generated samples' estimated support, 0 to 1.</param>
/// <param name="K">The neighbour that set each ball's radius.</param>
public sealed record PrecisionRecallResult(double Precision, double Recall, int K);
