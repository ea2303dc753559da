using System;
using System.Collections.Generic;

namespace Gen.Bench;

/// <summary>A model of a paper's table: how to train it here and which rows it reports.</summary>
/// <param name="Name">Short name for <c>--cases</c>.</param>
/// <param name="Description">What is trained, in a line.</param>
/// <param name="Run">Trains the model within the context's budget and measures it.</param>
internal sealed record QualityCase(string Name, string Description, Func<QualityContext, IEnumerable<QualityRow>> Run);
