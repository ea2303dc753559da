namespace Gen.Testing;

/// <summary>One parameter to draw for <see cref="Arbitraries.FromParameters{T}"/>: its name, domain and shape.</summary>
/// <param name="Name">The parameter's name, shown in counterexamples.</param>
/// <param name="Domain">Where its values lie.</param>
/// <param name="Shape">Its shape.</param>
public readonly record struct ParameterDomain(string Name, Domain Domain, long[] Shape);
