"""The nine blocks of the Business Model Canvas, their board layout and guiding questions."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Block(StrEnum):
    """A block of the canvas; the value is the stable key stored in the database and in JSON."""

    KEY_PARTNERS = "key_partners"
    KEY_ACTIVITIES = "key_activities"
    KEY_RESOURCES = "key_resources"
    VALUE_PROPOSITIONS = "value_propositions"
    CUSTOMER_RELATIONSHIPS = "customer_relationships"
    CHANNELS = "channels"
    CUSTOMER_SEGMENTS = "customer_segments"
    COST_STRUCTURE = "cost_structure"
    REVENUE_STREAMS = "revenue_streams"


@dataclass(frozen=True)
class BlockInfo:
    block: Block
    title: str
    number: int  # the order in which a canvas session usually fills the blocks
    icon: str  # a Streamlit Material icon, rendered by Streamlit's own font
    questions: tuple[str, ...]


BLOCKS: dict[Block, BlockInfo] = {
    info.block: info
    for info in (
        BlockInfo(
            Block.CUSTOMER_SEGMENTS, "Customer Segments", 1, ":material/groups:",
            (
                "For whom are we creating value?",
                "Who are our most important customers?",
                "Is our customer base a mass market, a niche, segmented, diversified?",
            ),
        ),
        BlockInfo(
            Block.VALUE_PROPOSITIONS, "Value Propositions", 2, ":material/redeem:",
            (
                "What value do we deliver to each segment?",
                "Which customer problems are we helping to solve?",
                "Which customer needs are we satisfying?",
            ),
        ),
        BlockInfo(
            Block.CHANNELS, "Channels", 3, ":material/local_shipping:",
            (
                "Through which channels do our segments want to be reached?",
                "Which channels work best, and which are most cost-efficient?",
                "How do we support customers after the purchase?",
            ),
        ),
        BlockInfo(
            Block.CUSTOMER_RELATIONSHIPS, "Customer Relationships", 4, ":material/handshake:",
            (
                "What type of relationship does each customer segment expect?",
                "How costly are the relationships to maintain?",
                "How are they integrated with the rest of our business model?",
                "Are we focused on acquisition, retention or upselling?",
                "What relationship do our competitors offer?",
                "How can we strengthen customer loyalty?",
            ),
        ),
        BlockInfo(
            Block.REVENUE_STREAMS, "Revenue Streams", 5, ":material/payments:",
            (
                "For what value are our customers really willing to pay?",
                "How do they pay now, and how would they prefer to pay?",
                "How much does each revenue stream contribute to overall revenue?",
            ),
        ),
        BlockInfo(
            Block.KEY_RESOURCES, "Key Resources", 6, ":material/inventory_2:",
            (
                "What key resources do our value propositions require?",
                "Which do our channels, relationships and revenue streams need?",
            ),
        ),
        BlockInfo(
            Block.KEY_ACTIVITIES, "Key Activities", 7, ":material/settings:",
            (
                "What key activities do our value propositions require?",
                "Which do our channels, relationships and revenue streams need?",
            ),
        ),
        BlockInfo(
            Block.KEY_PARTNERS, "Key Partners", 8, ":material/link:",
            (
                "Who are our key partners and key suppliers?",
                "Which key resources do we get from partners?",
                "Which key activities do partners perform?",
            ),
        ),
        BlockInfo(
            Block.COST_STRUCTURE, "Cost Structure", 9, ":material/receipt_long:",
            (
                "What are the most important costs in our business model?",
                "Which key resources and activities are most expensive?",
                "What do our customer relationships cost to maintain?",
            ),
        ),
    )
}

# The printed board: five columns on top (the second and fourth stacked), two blocks at the bottom.
BOARD_TOP: tuple[tuple[Block, ...], ...] = (
    (Block.KEY_PARTNERS,),
    (Block.KEY_ACTIVITIES, Block.KEY_RESOURCES),
    (Block.VALUE_PROPOSITIONS,),
    (Block.CUSTOMER_RELATIONSHIPS, Block.CHANNELS),
    (Block.CUSTOMER_SEGMENTS,),
)
BOARD_BOTTOM: tuple[Block, ...] = (Block.COST_STRUCTURE, Block.REVENUE_STREAMS)

# Sticky-note colours a facilitator would have on the table.
NOTE_COLOURS: dict[str, str] = {
    "Yellow": "#FFF3A3",
    "Orange": "#FFD3A5",
    "Pink": "#FFC6D9",
    "Green": "#C8F0C2",
    "Blue": "#BFE3FF",
    "Purple": "#DCCBFF",
    "Grey": "#E6E6E6",
}
DEFAULT_NOTE_COLOUR = NOTE_COLOURS["Yellow"]

# Segment colours: strong enough to read on charts, distinct from one another.
SEGMENT_PALETTE: tuple[str, ...] = (
    "#1F77B4", "#E4572E", "#2CA58D", "#8E44AD", "#F2A541", "#D81E5B", "#3D5A80", "#6A994E",
)


def next_segment_colour(used: Iterable[str]) -> str:
    """The colour a new segment gets: the first palette colour no segment has yet (the first one
    again once every colour is taken)."""
    taken = set(used)
    return next((colour for colour in SEGMENT_PALETTE if colour not in taken), SEGMENT_PALETTE[0])


# --- Customer Relationships (DOMAIN.md) --------------------------------------------------------

@dataclass(frozen=True)
class RelationshipType:
    key: str
    label: str
    what: str
    example: str
    personal: float  # 1 = fully personal, 0 = fully automated: the spectrum the overview charts


RELATIONSHIP_TYPES: dict[str, RelationshipType] = {
    t.key: t
    for t in (
        RelationshipType("dedicated_personal_assistance", "Dedicated personal assistance",
                         "A named representative for one customer.", "Key account manager, private banker", 1.0),
        RelationshipType("personal_assistance", "Personal assistance",
                         "Human interaction when the customer needs it.",
                         "Retail staff, call centre, hospitality", 0.8),
        RelationshipType("co_creation", "Co-creation",
                         "Customers create value with the company.",
                         "Reviews, user-made content, open innovation", 0.6),
        RelationshipType("communities", "Communities",
                         "Customers exchange knowledge with each other.", "User forums, support communities", 0.45),
        RelationshipType("self_service", "Self-service",
                         "No direct relationship; customers help themselves.",
                         "Most e-commerce, FAQ, knowledge base", 0.15),
        RelationshipType("automated_services", "Automated services",
                         "Self-service driven by the customer's own data.", "Recommendations, chatbots", 0.0),
    )
}

LIFECYCLE_STAGES: dict[str, str] = {
    "onboarding": "Onboarding: confidence and clarity",
    "usage": "Usage: value realisation",
    "support": "Support: trust and fairness",
    "renewal": "Renewal: outcomes and results",
    "expansion": "Expansion: growth opportunities",
}

KEY_QUESTIONS: dict[str, str] = {
    "expectation": "What type of relationship does this segment expect?",
    "cost": "How costly is the relationship to maintain?",
    "integration": "How is it integrated with the rest of the business model?",
    "focus": "Are we focused on acquisition, retention or upselling?",
    "competitors": "What relationship do competitors offer?",
    "loyalty": "How can we strengthen customer loyalty?",
}

COST_MAX = 1e9  # per customer or fixed per month; anything above is a typo
