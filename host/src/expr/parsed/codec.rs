//! A compact binary form of a parsed CEL expression (`cel`'s AST), so that a
//! pack's expressions need not be parsed again on every run.
//!
//! The form is private to one build of gonogo (the store's header names the
//! build); decoding checks every length against the bytes left and refuses
//! nesting deeper than the parser itself allows, so a damaged file is an
//! error, never a panic or an unbounded allocation.

use cel::common::ast::{
    CallExpr, ComprehensionExpr, EntryExpr, Expr, IdedEntryExpr, IdedExpr, ListExpr, LiteralValue,
    MapEntryExpr, MapExpr, SelectExpr, StructExpr, StructFieldExpr,
};
use cel::common::types::{CelBool, CelBytes, CelDouble, CelInt, CelString, CelUInt};

/// How deep a decoded tree may be. The parser's own limit (96 levels)
/// does not bound a tree's depth (`a.b.c…` and `1 + 1 + …` are parsed in
/// loops), so a deeper tree is never stored: it is parsed on every run.
pub const MAX_DEPTH: u32 = 128;

/// Appends the binary form of `expr` to `out`.
pub fn encode(expr: &IdedExpr, out: &mut Vec<u8>) {
    out.extend_from_slice(&expr.id.to_le_bytes());
    match &expr.expr {
        Expr::Unspecified => out.push(0),
        Expr::Call(call) => {
            out.push(1);
            text(&call.func_name, out);
            match &call.target {
                Some(target) => {
                    out.push(1);
                    encode(target, out);
                }
                None => out.push(0),
            }
            exprs(&call.args, out);
        }
        Expr::Comprehension(c) => {
            out.push(2);
            encode(&c.iter_range, out);
            text(&c.iter_var, out);
            match &c.iter_var2 {
                Some(name) => {
                    out.push(1);
                    text(name, out);
                }
                None => out.push(0),
            }
            text(&c.accu_var, out);
            for part in [&c.accu_init, &c.loop_cond, &c.loop_step, &c.result] {
                encode(part, out);
            }
        }
        Expr::Ident(name) => {
            out.push(3);
            text(name, out);
        }
        Expr::List(list) => {
            out.push(4);
            exprs(&list.elements, out);
            count(list.optional_indices.len(), out);
            for index in &list.optional_indices {
                count(*index, out);
            }
        }
        Expr::Literal(literal) => {
            out.push(5);
            match literal {
                LiteralValue::Boolean(b) => out.extend_from_slice(&[0, u8::from(*b.inner())]),
                LiteralValue::Bytes(bytes) => {
                    out.push(1);
                    blob(bytes.inner(), out);
                }
                LiteralValue::Double(d) => {
                    out.push(2);
                    out.extend_from_slice(&d.inner().to_bits().to_le_bytes());
                }
                LiteralValue::Int(i) => {
                    out.push(3);
                    out.extend_from_slice(&i.inner().to_le_bytes());
                }
                LiteralValue::Null => out.push(4),
                LiteralValue::String(s) => {
                    out.push(5);
                    text(s.inner(), out);
                }
                LiteralValue::UInt(u) => {
                    out.push(6);
                    out.extend_from_slice(&u.inner().to_le_bytes());
                }
            }
        }
        Expr::Map(map) => {
            out.push(6);
            entries(&map.entries, out);
        }
        Expr::Select(select) => {
            out.push(7);
            encode(&select.operand, out);
            text(&select.field, out);
            out.push(u8::from(select.test));
        }
        Expr::Struct(s) => {
            out.push(8);
            text(&s.type_name, out);
            entries(&s.entries, out);
        }
    }
}

fn count(n: usize, out: &mut Vec<u8>) {
    // Expressions come from pack files well under 4 GiB.
    out.extend_from_slice(&u32::try_from(n).unwrap_or(u32::MAX).to_le_bytes());
}

fn blob(bytes: &[u8], out: &mut Vec<u8>) {
    count(bytes.len(), out);
    out.extend_from_slice(bytes);
}

fn text(s: &str, out: &mut Vec<u8>) {
    blob(s.as_bytes(), out);
}

fn exprs(list: &[IdedExpr], out: &mut Vec<u8>) {
    count(list.len(), out);
    for expr in list {
        encode(expr, out);
    }
}

fn entries(list: &[IdedEntryExpr], out: &mut Vec<u8>) {
    count(list.len(), out);
    for entry in list {
        out.extend_from_slice(&entry.id.to_le_bytes());
        match &entry.expr {
            EntryExpr::StructField(field) => {
                out.push(0);
                text(&field.field, out);
                encode(&field.value, out);
                out.push(u8::from(field.optional));
            }
            EntryExpr::MapEntry(pair) => {
                out.push(1);
                encode(&pair.key, out);
                encode(&pair.value, out);
                out.push(u8::from(pair.optional));
            }
        }
    }
}

/// Reads what [`encode`] wrote.
pub struct Decoder<'a> {
    bytes: &'a [u8],
    depth: u32,
}

/// The bytes are not an expression this build wrote.
#[derive(Debug, PartialEq, Eq)]
pub struct Damaged;

impl<'a> Decoder<'a> {
    /// A decoder over `bytes`.
    pub fn new(bytes: &'a [u8]) -> Self {
        Decoder { bytes, depth: 0 }
    }

    /// Whether every byte was read.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// How many bytes are left.
    pub fn remaining(&self) -> usize {
        self.bytes.len()
    }

    /// Passes over `n` bytes.
    pub fn skip(&mut self, n: usize) -> Result<(), Damaged> {
        self.take(n).map(|_| ())
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], Damaged> {
        if n > self.bytes.len() {
            return Err(Damaged);
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(head)
    }

    fn byte(&mut self) -> Result<u8, Damaged> {
        Ok(self.take(1)?[0])
    }

    fn flag(&mut self) -> Result<bool, Damaged> {
        match self.byte()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(Damaged),
        }
    }

    fn u64(&mut self) -> Result<u64, Damaged> {
        let bytes = self.take(8)?;
        Ok(u64::from_le_bytes(bytes.try_into().map_err(|_| Damaged)?))
    }

    /// A length or count; never more than the bytes left, since every item
    /// takes at least one byte.
    pub fn count(&mut self) -> Result<usize, Damaged> {
        let bytes = self.take(4)?;
        let n = u32::from_le_bytes(bytes.try_into().map_err(|_| Damaged)?) as usize;
        if n > self.bytes.len() {
            return Err(Damaged);
        }
        Ok(n)
    }

    fn blob(&mut self) -> Result<&'a [u8], Damaged> {
        let n = self.count()?;
        self.take(n)
    }

    /// A UTF-8 string.
    pub fn text(&mut self) -> Result<String, Damaged> {
        let bytes = self.blob()?;
        std::str::from_utf8(bytes)
            .map(str::to_owned)
            .map_err(|_| Damaged)
    }

    /// One expression.
    pub fn expr(&mut self) -> Result<IdedExpr, Damaged> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Damaged);
        }
        let id = self.u64()?;
        let expr = self.expr_kind()?;
        self.depth -= 1;
        Ok(IdedExpr { id, expr })
    }

    fn expr_kind(&mut self) -> Result<Expr, Damaged> {
        Ok(match self.byte()? {
            0 => Expr::Unspecified,
            1 => {
                let func_name = self.text()?;
                let target = if self.flag()? {
                    Some(Box::new(self.expr()?))
                } else {
                    None
                };
                let args = self.exprs()?;
                Expr::Call(CallExpr {
                    func_name,
                    target,
                    args,
                })
            }
            2 => {
                let iter_range = self.expr()?;
                let iter_var = self.text()?;
                let iter_var2 = if self.flag()? {
                    Some(self.text()?)
                } else {
                    None
                };
                Expr::Comprehension(Box::new(ComprehensionExpr {
                    iter_range,
                    iter_var,
                    iter_var2,
                    accu_var: self.text()?,
                    accu_init: self.expr()?,
                    loop_cond: self.expr()?,
                    loop_step: self.expr()?,
                    result: self.expr()?,
                }))
            }
            3 => Expr::Ident(self.text()?),
            4 => {
                let elements = self.exprs()?;
                let n = self.count()?;
                let optional_indices = (0..n)
                    .map(|_| self.count_unbounded())
                    .collect::<Result<_, _>>()?;
                Expr::List(ListExpr {
                    elements,
                    optional_indices,
                })
            }
            5 => Expr::Literal(self.literal()?),
            6 => Expr::Map(MapExpr {
                entries: self.entries()?,
            }),
            7 => {
                let operand = Box::new(self.expr()?);
                let field = self.text()?;
                Expr::Select(SelectExpr {
                    operand,
                    field,
                    test: self.flag()?,
                })
            }
            8 => {
                let type_name = self.text()?;
                Expr::Struct(StructExpr {
                    type_name,
                    entries: self.entries()?,
                })
            }
            _ => return Err(Damaged),
        })
    }

    /// An index, which need not be below the bytes left.
    fn count_unbounded(&mut self) -> Result<usize, Damaged> {
        let bytes = self.take(4)?;
        Ok(u32::from_le_bytes(bytes.try_into().map_err(|_| Damaged)?) as usize)
    }

    fn literal(&mut self) -> Result<LiteralValue, Damaged> {
        Ok(match self.byte()? {
            0 => LiteralValue::Boolean(CelBool::from(self.flag()?)),
            1 => LiteralValue::Bytes(CelBytes::from(self.blob()?.to_vec())),
            2 => LiteralValue::Double(CelDouble::from(f64::from_bits(self.u64()?))),
            3 => LiteralValue::Int(CelInt::from(self.u64()?.cast_signed())),
            4 => LiteralValue::Null,
            5 => LiteralValue::String(CelString::from(self.text()?)),
            6 => LiteralValue::UInt(CelUInt::from(self.u64()?)),
            _ => return Err(Damaged),
        })
    }

    fn exprs(&mut self) -> Result<Vec<IdedExpr>, Damaged> {
        let n = self.count()?;
        let mut list = Vec::with_capacity(n);
        for _ in 0..n {
            list.push(self.expr()?);
        }
        Ok(list)
    }

    fn entries(&mut self) -> Result<Vec<IdedEntryExpr>, Damaged> {
        let n = self.count()?;
        let mut list = Vec::with_capacity(n);
        for _ in 0..n {
            let id = self.u64()?;
            let expr = match self.byte()? {
                0 => {
                    let field = self.text()?;
                    EntryExpr::StructField(StructFieldExpr {
                        field,
                        value: self.expr()?,
                        optional: self.flag()?,
                    })
                }
                1 => {
                    let key = self.expr()?;
                    EntryExpr::MapEntry(MapEntryExpr {
                        key,
                        value: self.expr()?,
                        optional: self.flag()?,
                    })
                }
                _ => return Err(Damaged),
            };
            list.push(IdedEntryExpr { id, expr });
        }
        Ok(list)
    }
}
