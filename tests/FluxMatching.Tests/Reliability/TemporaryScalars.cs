namespace FluxMatching.Tests.Reliability;

using System.Reflection;
using System.Reflection.Emit;

/// <summary>
/// Finds the calls in an assembly that hand libtorch a <c>TorchSharp.Scalar</c> nobody holds on to. TorchSharp 0.107
/// turns .NET numbers into Scalars implicitly (<c>x.mul(0.5)</c>), and several of its own methods make one inside
/// (<c>add(Tensor)</c> is <c>add(target, 1)</c>, <c>square()</c> is <c>pow(2)</c>). Such a Scalar is unreachable as
/// soon as its handle has been read, so when another thread triggers a garbage collection while the native call is
/// still running, the finalizer thread frees the Scalar under libtorch's feet: a use-after-free that surfaced as
/// "Expected false to be true … toDouble" in a parallel test run (upstream: dotnet/TorchSharp pull requests 1434 and
/// 1496). The project therefore creates Scalars only in <c>FluxMatching.Runtime.Scalars</c> (process-lifetime
/// constants or a bag disposed at the end of the call) and passes them explicitly.
/// <para>The scan reads IL: a call site is reported when it converts a number to a Scalar implicitly, or calls a
/// TorchSharp method that makes a Scalar it does not return (itself or through other TorchSharp methods). An explicit
/// <c>ToScalar()</c> is not reported: its owner keeps it alive (<c>using var</c> or a field).</para>
/// Linked into every test project whose library calls TorchSharp.
/// </summary>
internal static class TemporaryScalars
{
    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    private static readonly Lazy<HashSet<MethodBase>> Unsafe = new(FindUnsafeTorchSharpMethods);

    /// <summary>Every call site in <paramref name="assembly"/> (outside <paramref name="allowedTypes"/>) that creates a
    /// temporary Scalar, as "Type.Method → Callee(parameters)".</summary>
    public static IReadOnlyList<string> CallSites(Assembly assembly, params string[] allowedTypes)
    {
        var torchSharp = typeof(TorchSharp.Scalar).Assembly;
        var found = new List<string>();
        foreach (var (method, callee) in Calls(assembly))
        {
            var owner = method.DeclaringType!;
            string ownerName = owner.FullName ?? owner.Name;
            if (callee.DeclaringType?.Assembly != torchSharp || allowedTypes.Any(t => ownerName == t || ownerName.StartsWith(t + "+", StringComparison.Ordinal)))
            {
                continue;
            }

            if (IsImplicit(callee) || Unsafe.Value.Contains(callee))
            {
                found.Add($"{ownerName}.{method.Name} → {callee.DeclaringType!.Name}.{callee.Name}({string.Join(", ", callee.GetParameters().Select(p => p.ParameterType.Name))})");
            }
        }

        return found.Distinct().Order(StringComparer.Ordinal).ToList();
    }

    private static bool IsImplicit(MethodBase m) => m.DeclaringType?.Name == nameof(TorchSharp.Scalar) && m.Name == "op_Implicit";

    private static bool CreatesScalar(MethodBase m) =>
        (m.DeclaringType?.Name == nameof(TorchSharp.Scalar) && m.Name == "op_Implicit") ||
        (m.DeclaringType?.Name == nameof(TorchSharp.ScalarExtensionMethods) && m.Name.StartsWith("To", StringComparison.Ordinal) && m.Name.EndsWith("Scalar", StringComparison.Ordinal)) ||
        (m.Name == "ToScalar" && m.DeclaringType?.Assembly == typeof(TorchSharp.Scalar).Assembly);

    /// <summary>TorchSharp methods that create a Scalar they do not return: directly or through each other (fixed
    /// point over TorchSharp's own call graph).</summary>
    private static HashSet<MethodBase> FindUnsafeTorchSharpMethods()
    {
        var torchSharp = typeof(TorchSharp.Scalar).Assembly;
        var callers = new Dictionary<MethodBase, List<MethodBase>>();
        var work = new Queue<MethodBase>();
        var result = new HashSet<MethodBase>();
        foreach (var (method, callee) in Calls(torchSharp))
        {
            if (CreatesScalar(callee) && method.DeclaringType?.Name != nameof(TorchSharp.ScalarExtensionMethods) && !ReturnsScalar(method))
            {
                if (result.Add(method))
                {
                    work.Enqueue(method);
                }
            }
            else if (callee.DeclaringType?.Assembly == torchSharp)
            {
                if (!callers.TryGetValue(callee, out var list))
                {
                    callers[callee] = list = [];
                }

                list.Add(method);
            }
        }

        while (work.Count > 0)
        {
            var m = work.Dequeue();
            foreach (var caller in callers.GetValueOrDefault(m) ?? [])
            {
                if (!ReturnsScalar(caller) && result.Add(caller))
                {
                    work.Enqueue(caller);
                }
            }
        }

        return result;
    }

    private static bool ReturnsScalar(MethodBase m) => m is MethodInfo info && info.ReturnType == typeof(TorchSharp.Scalar);

    private static IEnumerable<(MethodBase Method, MethodBase Callee)> Calls(Assembly assembly)
    {
        Type[] types;
        try
        {
            types = assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            types = e.Types.Where(t => t is not null).ToArray()!;
        }

        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var type in types)
        {
            foreach (var method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
            {
                foreach (var callee in Callees(method))
                {
                    yield return (method, callee);
                }
            }
        }
    }

    private static List<MethodBase> Callees(MethodBase method)
    {
        var callees = new List<MethodBase>();
        byte[]? il;
        try
        {
            il = method.GetMethodBody()?.GetILAsByteArray();
        }
        catch (Exception e) when (e is BadImageFormatException or InvalidOperationException or NotSupportedException)
        {
            return callees;
        }

        if (il is null)
        {
            return callees;
        }

        var typeArgs = method.DeclaringType is { IsGenericType: true } t ? t.GetGenericArguments() : null;
        var methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (int i = 0; i < il.Length;)
        {
            short value = il[i++];
            if (value == 0xFE)
            {
                value = (short)(0xFE00 | il[i++]);
            }

            if (!OpCodesByValue.TryGetValue(value, out var op))
            {
                break;
            }

            if (op.OperandType == OperandType.InlineMethod)
            {
                try
                {
                    var callee = method.Module.ResolveMethod(BitConverter.ToInt32(il, i), typeArgs, methodArgs);
                    if (callee is not null)
                    {
                        callees.Add(callee);
                    }
                }
                catch (Exception e) when (e is ArgumentException or BadImageFormatException or TypeLoadException or FileNotFoundException or MissingMethodException)
                {
                    // a callee in an assembly that is not loaded here: not TorchSharp
                }
            }

            i += OperandSize(op.OperandType, il, i);
        }

        return callees;
    }

    private static int OperandSize(OperandType type, byte[] il, int at) => type switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, at)),
        _ => 4,
    };
}
