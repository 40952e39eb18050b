namespace FluxMatching.Interop;

using System.Buffers.Binary;
using System.Text;

/// <summary>Refusal of a pickle by <see cref="PickleGuard"/>; its message says why.</summary>
internal sealed class PickleRefusedException(string message) : Exception(message);

/// <summary>
/// Walks a pickle opcode by opcode with a model of its stack (strings, integers, globals, tuples, marks), refusing
/// globals outside <see cref="PickleGuard"/>'s allow-list, opcodes a state dict does not use, and storage references
/// larger than their archive entries. Nothing is constructed or called.
/// </summary>
/// <param name="data">The pickle bytes.</param>
/// <param name="root">The archive folder of the pickle (storages live under root + "data/").</param>
/// <param name="sizes">Archive entry name → uncompressed length.</param>
internal sealed class PickleWalker(byte[] data, string root, Dictionary<string, long> sizes)
{
    private readonly List<Token> stack = [];
    private readonly Dictionary<long, Token> memo = [];
    private int pos;

    public void Run()
    {
        while (true)
        {
            byte op = data[pos++];
            switch ((char)op)
            {
                case '\x80': pos += 1; break;                                            // PROTO
                case '\x95': pos += 8; break;                                            // FRAME
                case '(': Push(Token.Mark); break;                                        // MARK
                case '.': return;                                                         // STOP
                case ')': Push(new Token('t', Items: [])); break;                        // EMPTY_TUPLE
                case '}': case ']': case 'N': case '\x88': case '\x89': case '\x8f':
                    Push(Token.Other); break;
                case 'G': pos += 8; Push(Token.Other); break;                            // BINFLOAT
                case 'K': Push(new Token('i', Number: data[pos])); pos += 1; break;      // BININT1
                case 'M': Push(new Token('i', Number: BinaryPrimitives.ReadUInt16LittleEndian(Bytes(2)))); break;
                case 'J': Push(new Token('i', Number: BinaryPrimitives.ReadInt32LittleEndian(Bytes(4)))); break;
                case '\x8a': Long1(); break;                                              // LONG1
                case '\x8c': Push(new Token('s', Text: Text(data[pos++]))); break;       // SHORT_BINUNICODE
                case 'X': Push(new Token('s', Text: Text(Length(4)))); break;             // BINUNICODE
                case 'U': Push(new Token('s', Text: Text(data[pos++]))); break;           // SHORT_BINSTRING
                case 'T': Push(new Token('s', Text: Text(Length(4)))); break;             // BINSTRING
                case 'C': Skip(data[pos++]); Push(Token.Other); break;                    // SHORT_BINBYTES
                case 'B': Skip(Length(4)); Push(Token.Other); break;                      // BINBYTES
                case 'q': memo[data[pos++]] = Top(); break;                               // BINPUT
                case 'r': memo[UInt32()] = Top(); break;                                 // LONG_BINPUT
                case '\x94': memo[memo.Count] = Top(); break;                             // MEMOIZE
                case 'h': Push(Get(data[pos++])); break;                                  // BINGET
                case 'j': Push(Get(UInt32())); break;                                    // LONG_BINGET
                case 'c': Push(Global(Line(), Line())); break;                            // GLOBAL
                case '\x93':                                                              // STACK_GLOBAL
                {
                    var name = Pop();
                    var module = Pop();
                    if (module.Kind != 's' || name.Kind != 's')
                    {
                        throw new PickleRefusedException("a global is named by something other than two strings");
                    }

                    Push(Global(module.Text!, name.Text!));
                    break;
                }

                case 't': Push(new Token('t', Items: PopToMark())); break;               // TUPLE
                case '\x85': Push(new Token('t', Items: PopN(1))); break;                 // TUPLE1
                case '\x86': Push(new Token('t', Items: PopN(2))); break;                 // TUPLE2
                case '\x87': Push(new Token('t', Items: PopN(3))); break;                 // TUPLE3
                case 'l': case 'd': PopToMark(); Push(Token.Other); break;               // LIST, DICT
                case 'a': Pop(); break;                                                    // APPEND
                case 'e': case 'u': case '\x90': PopToMark(); break;                     // APPENDS, SETITEMS, ADDITEMS
                case 's': Pop(); Pop(); break;                                             // SETITEM
                case '0': Pop(); break;                                                    // POP
                case '1': PopToMark(); break;                                              // POP_MARK
                case '2': Push(Top()); break;                                              // DUP
                case 'b': Pop(); break;                                                    // BUILD (state)
                case 'R': case '\x81': Pop(); Callable(Pop()); Push(Token.Other); break; // REDUCE, NEWOBJ
                case 'Q': Storage(Pop()); Push(Token.Other); break;                      // BINPERSID
                default:
                    throw new PickleRefusedException($"its pickle uses opcode 0x{op:x2} at byte {pos - 1}, " +
                                                     "which a state dict does not use");
            }
        }
    }

    private static Token Global(string module, string name)
    {
        string dotted = module + "." + name;
        bool storage = module == "torch" && PickleGuard.StorageBytes.ContainsKey(name);
        if (!storage && !PickleGuard.AllowedGlobals.Contains(dotted))
        {
            throw new PickleRefusedException($"its pickle refers to the Python object '{dotted}'");
        }

        return new Token('g', Text: dotted);
    }

    private static void Callable(Token callable)
    {
        if (callable.Kind != 'g')
        {
            throw new PickleRefusedException("its pickle calls something that is not an allowed global");
        }
    }

    private void Storage(Token pid)
    {
        var items = pid.Items;
        if (pid.Kind != 't' || items is not { Count: 5 } || items[0].Text != "storage" || items[1].Kind != 'g' ||
            items[2].Kind != 's' || items[4].Kind != 'i')
        {
            throw new PickleRefusedException("a persistent id is not a tensor storage reference");
        }

        long perElement = PickleGuard.StorageBytes[items[1].Text!["torch.".Length..]];
        string key = root + "data/" + items[2].Text;
        if (!sizes.TryGetValue(key, out long available))
        {
            throw new PickleRefusedException($"a storage names the missing archive entry '{key}'");
        }

        long count = items[4].Number;
        if (count < 0 || count > available / perElement)
        {
            throw new PickleRefusedException(
                $"a storage claims {count} elements but its entry '{key}' holds {available} bytes");
        }
    }

    private void Push(Token t) => stack.Add(t);

    private Token Top() => stack.Count > 0 ? stack[^1] : throw new PickleRefusedException("its stack underflows");

    private Token Pop()
    {
        var t = Top();
        stack.RemoveAt(stack.Count - 1);
        if (t.Kind == 'm')
        {
            throw new PickleRefusedException("a mark is used as a value");
        }

        return t;
    }

    private List<Token> PopN(int n)
    {
        var items = new List<Token>(n);
        for (int i = 0; i < n; i++)
        {
            items.Insert(0, Pop());
        }

        return items;
    }

    private List<Token> PopToMark()
    {
        int mark = stack.FindLastIndex(t => t.Kind == 'm');
        if (mark < 0)
        {
            throw new PickleRefusedException("its stack has no mark where one is needed");
        }

        var items = stack.GetRange(mark + 1, stack.Count - mark - 1);
        stack.RemoveRange(mark, stack.Count - mark);
        return items;
    }

    private Token Get(long index) =>
        memo.TryGetValue(index, out var t) ? t : throw new PickleRefusedException($"memo entry {index} is unset");

    private ReadOnlySpan<byte> Bytes(int n)
    {
        var span = data.AsSpan(pos, n);
        pos += n;
        return span;
    }

    private long UInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4));

    private int Length(int width)
    {
        long n = BinaryPrimitives.ReadUInt32LittleEndian(Bytes(width));
        return n <= data.Length - pos ? (int)n : throw new PickleRefusedException("a length runs past the pickle");
    }

    private void Skip(int n)
    {
        _ = Bytes(n);
    }

    private string Text(int n) => Encoding.UTF8.GetString(Bytes(n));

    private string Line()
    {
        int end = Array.IndexOf(data, (byte)'\n', pos);
        if (end < 0)
        {
            throw new PickleRefusedException("a global's name is not terminated");
        }

        string s = Encoding.UTF8.GetString(data, pos, end - pos);
        pos = end + 1;
        return s;
    }

    private void Long1()
    {
        int n = data[pos++];
        var bytes = Bytes(n);
        if (n > 8)
        {
            Push(Token.Other);
            return;
        }

        long value = 0;
        for (int i = n - 1; i >= 0; i--)
        {
            value = (value << 8) | bytes[i];
        }

        if (n is > 0 and < 8 && (bytes[n - 1] & 0x80) != 0)
        {
            value -= 1L << (8 * n);
        }

        Push(new Token('i', Number: value));
    }

    /// <summary>A stack token: a string, an integer, a global's dotted name, a tuple, a mark, or anything else.
    /// </summary>
    private sealed record Token(char Kind, string? Text = null, long Number = 0, List<Token>? Items = null)
    {
        public static readonly Token Mark = new('m');
        public static readonly Token Other = new('o');
    }
}
