using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Gen.Dsl.Tests.Architecture;

/// <summary>
/// Which top-level source folders of an assembly use which, read from the compiled assembly and its portable PDB:
/// every method is placed in the folder of the source file its body comes from (so the parts of a partial class in
/// different folders count separately), every type in the folder of its first method or of its declaring file, and a
/// method uses a folder when its signature or body names a type, method or field placed there.
/// </summary>
internal sealed class FolderGraph
{
    private FolderGraph(IReadOnlyDictionary<string, IReadOnlyDictionary<string, IReadOnlyList<string>>> edges) => Edges = edges;

    /// <summary>For each folder, the folders it uses, each with a few of the uses (method → member) that make the edge.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, IReadOnlyList<string>>> Edges { get; }

    /// <summary>Reads the graph of <paramref name="assemblyPath"/>, whose sources lie below <paramref name="sourceRoot"/>.</summary>
    public static FolderGraph Read(string assemblyPath, string sourceRoot)
    {
        using var pe = new PEReader(File.OpenRead(assemblyPath));
        var md = pe.GetMetadataReader();
        using var pdbProvider = MetadataReaderProvider.FromPortablePdbStream(File.OpenRead(Path.ChangeExtension(assemblyPath, ".pdb")));
        var pdb = pdbProvider.GetMetadataReader();
        string root = Path.GetFullPath(sourceRoot);

        string? FolderOfDocument(DocumentHandle handle)
        {
            var path = Path.GetFullPath(pdb.GetString(pdb.GetDocument(handle).Name));
            if (!path.StartsWith(root, StringComparison.Ordinal))
            {
                return null; // generated files (global usings, assembly attributes) belong to no folder
            }

            var relative = Path.GetRelativePath(root, path).Split(Path.DirectorySeparatorChar);
            return relative.Length > 1 ? relative[0] : ".";
        }

        string? FolderOfMethod(MethodDefinitionHandle method)
        {
            var info = pdb.GetMethodDebugInformation(method);
            if (!info.Document.IsNil)
            {
                return FolderOfDocument(info.Document);
            }

            foreach (var point in info.GetSequencePoints())
            {
                return FolderOfDocument(point.Document);
            }

            return null;
        }

        TypeDefinitionHandle Outermost(TypeDefinitionHandle type)
        {
            while (true)
            {
                var declaring = md.GetTypeDefinition(type).GetDeclaringType();
                if (declaring.IsNil)
                {
                    return type;
                }

                type = declaring;
            }
        }

        // A type's home: the folder of its first method with a body, or of the file the PDB names for it.
        var typeFolders = new Dictionary<TypeDefinitionHandle, string>();
        foreach (var type in md.TypeDefinitions)
        {
            var folder = md.GetTypeDefinition(type).GetMethods().Select(FolderOfMethod).FirstOrDefault(f => f != null);
            if (folder is null)
            {
                foreach (var cdi in pdb.GetCustomDebugInformation(type))
                {
                    var info = pdb.GetCustomDebugInformation(cdi);
                    if (pdb.GetGuid(info.Kind) == TypeDefinitionDocuments)
                    {
                        var blob = pdb.GetBlobReader(info.Value);
                        if (blob.RemainingBytes > 0)
                        {
                            folder = FolderOfDocument(MetadataTokens.DocumentHandle(blob.ReadCompressedInteger()));
                        }
                    }
                }
            }

            if (folder != null)
            {
                typeFolders[type] = folder;
            }
        }

        string? FolderOfType(TypeDefinitionHandle type) =>
            typeFolders.TryGetValue(type, out var f) ? f : typeFolders.TryGetValue(Outermost(type), out var g) ? g : null;

        var edges = new Dictionary<string, Dictionary<string, List<string>>>();
        void Add(string? from, string? to, string what)
        {
            if (from is null || to is null || from == to)
            {
                return;
            }

            var targets = edges.TryGetValue(from, out var t) ? t : edges[from] = new Dictionary<string, List<string>>();
            var uses = targets.TryGetValue(to, out var u) ? u : targets[to] = new List<string>();
            if (uses.Count < 4 && !uses.Contains(what))
            {
                uses.Add(what);
            }
        }

        string NameOf(TypeDefinitionHandle type) => md.GetString(md.GetTypeDefinition(Outermost(type)).Name);

        foreach (var typeHandle in md.TypeDefinitions)
        {
            var type = md.GetTypeDefinition(typeHandle);
            string? typeFolder = FolderOfType(typeHandle);
            string typeName = NameOf(typeHandle);

            // The type's own declaration: its base type and interfaces.
            foreach (var used in TypesIn(md, type.BaseType).Concat(type.GetInterfaceImplementations().SelectMany(i => TypesIn(md, md.GetInterfaceImplementation(i).Interface))))
            {
                Add(typeFolder, FolderOfType(used), $"{typeName} : {NameOf(used)}");
            }

            foreach (var fieldHandle in type.GetFields())
            {
                foreach (var used in TypesInSignature(md, md.GetFieldDefinition(fieldHandle).Signature))
                {
                    Add(typeFolder, FolderOfType(used), $"{typeName} field → {NameOf(used)}");
                }
            }

            foreach (var methodHandle in type.GetMethods())
            {
                var method = md.GetMethodDefinition(methodHandle);
                string? folder = FolderOfMethod(methodHandle) ?? typeFolder;
                string name = $"{typeName}.{md.GetString(method.Name)}";
                foreach (var used in TypesInSignature(md, method.Signature))
                {
                    Add(folder, FolderOfType(used), $"{name} → {NameOf(used)}");
                }

                if (method.RelativeVirtualAddress == 0)
                {
                    continue;
                }

                var il = pe.GetMethodBody(method.RelativeVirtualAddress).GetILReader();
                foreach (var token in Tokens(il))
                {
                    var handle = MetadataTokens.EntityHandle(token);
                    switch (handle.Kind)
                    {
                        case HandleKind.MethodDefinition:
                            var callee = (MethodDefinitionHandle)handle;
                            Add(folder, FolderOfMethod(callee) ?? FolderOfType(md.GetMethodDefinition(callee).GetDeclaringType()), $"{name} → {NameOf(md.GetMethodDefinition(callee).GetDeclaringType())}.{md.GetString(md.GetMethodDefinition(callee).Name)}");
                            break;
                        case HandleKind.FieldDefinition:
                            var owner = md.GetFieldDefinition((FieldDefinitionHandle)handle).GetDeclaringType();
                            Add(folder, FolderOfType(owner), $"{name} → {NameOf(owner)}");
                            break;
                        case HandleKind.MethodSpecification:
                        case HandleKind.MemberReference:
                        case HandleKind.TypeDefinition:
                        case HandleKind.TypeSpecification:
                            foreach (var used in TypesIn(md, handle))
                            {
                                Add(folder, FolderOfType(used), $"{name} → {NameOf(used)}");
                            }

                            break;
                    }
                }
            }
        }

        return new FolderGraph(edges.ToDictionary(
            e => e.Key,
            e => (IReadOnlyDictionary<string, IReadOnlyList<string>>)e.Value.ToDictionary(t => t.Key, t => (IReadOnlyList<string>)t.Value)));
    }

    /// <summary>The cycles among the folders: each strongly connected set of two or more folders, sorted.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Cycles()
    {
        var nodes = Edges.Keys.Concat(Edges.Values.SelectMany(v => v.Keys)).Distinct().OrderBy(n => n, StringComparer.Ordinal).ToList();
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var result = new List<IReadOnlyList<string>>();
        int counter = 0;

        void Visit(string v)
        {
            index[v] = low[v] = counter++;
            stack.Push(v);
            onStack.Add(v);
            foreach (var w in Edges.TryGetValue(v, out var next) ? next.Keys : Enumerable.Empty<string>())
            {
                if (!index.ContainsKey(w))
                {
                    Visit(w);
                    low[v] = Math.Min(low[v], low[w]);
                }
                else if (onStack.Contains(w))
                {
                    low[v] = Math.Min(low[v], index[w]);
                }
            }

            if (low[v] == index[v])
            {
                var component = new List<string>();
                string w;
                do
                {
                    w = stack.Pop();
                    onStack.Remove(w);
                    component.Add(w);
                }
                while (w != v);
                if (component.Count > 1)
                {
                    component.Sort(StringComparer.Ordinal);
                    result.Add(component);
                }
            }
        }

        foreach (var n in nodes.Where(n => !index.ContainsKey(n)))
        {
            Visit(n);
        }

        return result;
    }

    private static readonly Guid TypeDefinitionDocuments = new("932E74BC-DBA9-4478-8D46-0F32A7BAB3D3");

    // The type definitions of this assembly that a type, member or specification handle names (generic arguments included).
    private static IEnumerable<TypeDefinitionHandle> TypesIn(MetadataReader md, EntityHandle handle)
    {
        if (handle.IsNil)
        {
            return Enumerable.Empty<TypeDefinitionHandle>();
        }

        switch (handle.Kind)
        {
            case HandleKind.TypeDefinition:
                return new[] { (TypeDefinitionHandle)handle };
            case HandleKind.TypeSpecification:
                return TypesInSignature(md, md.GetTypeSpecification((TypeSpecificationHandle)handle).Signature, isType: true);
            case HandleKind.MemberReference:
                var member = md.GetMemberReference((MemberReferenceHandle)handle);
                return TypesIn(md, member.Parent).Concat(TypesInSignature(md, member.Signature));
            case HandleKind.MethodSpecification:
                var spec = md.GetMethodSpecification((MethodSpecificationHandle)handle);
                return TypesIn(md, spec.Method).Concat(TypesInSignature(md, spec.Signature));
            case HandleKind.MethodDefinition:
                return new[] { md.GetMethodDefinition((MethodDefinitionHandle)handle).GetDeclaringType() };
            default:
                return Enumerable.Empty<TypeDefinitionHandle>();
        }
    }

    // Every type definition token in a signature blob (the compressed tokens after CLASS, VALUETYPE and the like).
    private static IEnumerable<TypeDefinitionHandle> TypesInSignature(MetadataReader md, BlobHandle signature, bool isType = false)
    {
        var found = new List<TypeDefinitionHandle>();
        var decoder = new SignatureDecoder<int, object?>(new Collector(found), md, genericContext: null);
        var blob = md.GetBlobReader(signature);
        if (isType)
        {
            // A type specification is a bare type, with no signature header.
            decoder.DecodeType(ref blob);
            return found;
        }

        var header = blob.ReadSignatureHeader();
        blob.Reset();
        switch (header.Kind)
        {
            case SignatureKind.Method:
            case SignatureKind.Property:
                decoder.DecodeMethodSignature(ref blob);
                break;
            case SignatureKind.Field:
                decoder.DecodeFieldSignature(ref blob);
                break;
            case SignatureKind.MethodSpecification:
                decoder.DecodeMethodSpecificationSignature(ref blob);
                break;
            case SignatureKind.LocalVariables:
                decoder.DecodeLocalSignature(ref blob);
                break;
            default:
                decoder.DecodeType(ref blob);
                break;
        }

        return found;
    }

    // Each opcode's operand type, from the runtime's own table of opcodes.
    private static readonly Dictionary<int, System.Reflection.Emit.OperandType> Operands =
        typeof(System.Reflection.Emit.OpCodes).GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Select(f => (System.Reflection.Emit.OpCode)f.GetValue(null)!)
            .ToDictionary(o => (int)(ushort)o.Value, o => o.OperandType);

    // The metadata tokens that IL instructions carry as operands (calls, field accesses, type operands, ldtoken).
    private static IEnumerable<int> Tokens(BlobReader il)
    {
        var tokens = new List<int>();
        while (il.RemainingBytes > 0)
        {
            int opcode = il.ReadByte();
            if (opcode == 0xFE)
            {
                opcode = 0xFE00 | il.ReadByte();
            }

            switch (Operands[opcode])
            {
                case System.Reflection.Emit.OperandType.InlineField:
                case System.Reflection.Emit.OperandType.InlineMethod:
                case System.Reflection.Emit.OperandType.InlineTok:
                case System.Reflection.Emit.OperandType.InlineType:
                    tokens.Add(il.ReadInt32());
                    break;
                case System.Reflection.Emit.OperandType.InlineNone:
                    break;
                case System.Reflection.Emit.OperandType.ShortInlineBrTarget:
                case System.Reflection.Emit.OperandType.ShortInlineI:
                case System.Reflection.Emit.OperandType.ShortInlineVar:
                    il.Offset += 1;
                    break;
                case System.Reflection.Emit.OperandType.InlineVar:
                    il.Offset += 2;
                    break;
                case System.Reflection.Emit.OperandType.InlineI8:
                case System.Reflection.Emit.OperandType.InlineR:
                    il.Offset += 8;
                    break;
                case System.Reflection.Emit.OperandType.InlineSwitch:
                    int targets = il.ReadInt32(); // read first: "Offset += 4 * ReadInt32()" would take the offset before the count
                    il.Offset += 4 * targets;
                    break;
                default:
                    il.Offset += 4; // branch targets, 32-bit integers and floats, strings, signatures
                    break;
            }
        }

        return tokens;
    }

    private sealed class Collector(List<TypeDefinitionHandle> found) : ISignatureTypeProvider<int, object?>
    {
        public int GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind)
        {
            found.Add(handle);
            return 0;
        }

        public int GetArrayType(int elementType, ArrayShape shape) => 0;

        public int GetByReferenceType(int elementType) => 0;

        public int GetFunctionPointerType(MethodSignature<int> signature) => 0;

        public int GetGenericInstantiation(int genericType, ImmutableArray<int> typeArguments) => 0;

        public int GetGenericMethodParameter(object? genericContext, int index) => 0;

        public int GetGenericTypeParameter(object? genericContext, int index) => 0;

        public int GetModifiedType(int modifier, int unmodifiedType, bool isRequired) => 0;

        public int GetPinnedType(int elementType) => 0;

        public int GetPointerType(int elementType) => 0;

        public int GetPrimitiveType(PrimitiveTypeCode typeCode) => 0;

        public int GetSZArrayType(int elementType) => 0;

        public int GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => 0;

        public int GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) => 0;
    }
}
