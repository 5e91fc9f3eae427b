package dev.ratchet.reference;

import dev.ratchet.common.BadInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The intents of the support desk of a fictional online shop that also issues its own payment card: what a
 * customer's request can be about, each with the terse description an agent starts from and the material
 * {@link DeskTraffic} phrases requests from.
 *
 * <p>This class is long because it is data: sixteen intents, each with about twenty templates and a few short forms.
 * Confusable intents are there on purpose: a lost card, a card that has not arrived and a declined card all say
 * "card"; a refund, a billing dispute and a cancelled order all say "money back"; a password reset and a locked
 * account both say "can't get in"; a late parcel and a card not yet arrived both say "still waiting". Many
 * templates describe the situation in words that point at another intent ("can you lock my card? it's not in my
 * wallet" is a lost card, not a locked account), as customers do, so that matching a request against descriptions
 * is not enough and examples are needed.
 *
 * <p>The descriptions are the reference agent's starting instructions and are deliberately terse: a topic label
 * each ("Card lost", "Delivery", "Billing", "App"), as a desk writes them on its first day. Matched by embedding
 * similarity they classify only about 60% of generated requests correctly, while a nearest neighbour among 1,000
 * labelled examples gets about 90% (measured in {@code DeskTrafficLearnabilityTest}): the gap is what Ratchet's loop
 * is there to close.
 *
 * <p>Phrasings are templates: {@code (a|b|c)} picks one alternative (an empty alternative leaves words out), {@code
 * [...]} is a detail carrying slot values (an order number, an amount, a date) that is kept at the rate {@link
 * DeskTraffic.Options#slotRate()} says, and {@code {name}} is a slot filled from a fixed vocabulary (cards,
 * products, plans, shops) or with a generated value. They may nest.
 */
public final class DeskCatalog {

    /**
     * One intent: its {@code name} (snake_case, the label of generated requests) and its {@code description} (a
     * few words, the reference agent's starting instruction for it).
     */
    public record Intent(String name, String description) {
    }

    /**
     * What the generator needs of an intent: its relative share of the traffic (the largest about three times the
     * smallest), its full-sentence templates and its short, chat-like ones ("card gone??"), all in the template
     * syntax above.
     */
    record Entry(Intent intent, double share, List<String> templates, List<String> shorts) {
    }

    private static final List<Entry> ENTRIES = List.of(
            entry("card_lost", "Card lost", 1.0, List.of(
                    "I (can't|cannot) find my {card} (anywhere|since yesterday|since this morning|)",
                    "my wallet was stolen (with my {card} in it|on the (bus|metro|train))",
                    "someone (stole|has stolen|took) my {card}[ {last4}]",
                    "(please|can you) (block|freeze) my {card}, (I think I dropped it|it's gone|I left it somewhere)",
                    "I left my {card} (in a taxi|at a restaurant|on the train|at the gym|in a shop)[ {date}]",
                    "what (should|do) I do (now|)? my {card} (is not in my wallet|isn't where I keep it)",
                    "my (bag|purse|backpack) (got|was) (stolen|snatched) and my {card} was in it",
                    "I think I dropped my {card} (somewhere|on the way home|in town)[ {date}], can you send "
                            + "(another|a replacement)?",
                    "is there a way to (lock|freeze) my {card} (in {app}|online|)? I (don't know where it is|can't "
                            + "find it)",
                    "my {card} (fell out of my pocket|slipped out of my wallet) (somewhere|at the market|on the bus)",
                    "I (had my wallet pickpocketed|was pickpocketed|was robbed)[ {date}] and the {card} is gone",
                    "this is the second time my {card} (goes missing|disappears), I need a new one",
                    "I'm worried someone (will use|might use|is using) my {card}, I (haven't seen|can't find) it "
                            + "since {date}",
                    "(can|could) you (cancel|stop) my {card}? I have no idea where I put it",
                    "I need to cancel my {card}, (I think it was stolen|someone took it)",
                    "can you lock my {card}? it's not in my wallet",
                    "the {card} you sent me (last month|in the spring) is (gone|lost) now, I need another one",
                    "please stop all payments on my {card}, (my wallet is gone|it was in my stolen bag)",
                    "my {card} never came back (out of the ATM|after I left it at {merchant})",
                    "since {date} I can't find my {card}, where can I get a new one sent?",
                    "(I fear|I'm afraid) someone (is paying|will pay) with my {card}, it's not in my (wallet|bag) "
                            + "anymore"),
                    List.of("(card|my card) (gone|missing|stolen)(??|!|)", "(lost|misplaced) my (card|{card})",
                            "(block|freeze) my card (pls|asap|now)", "(wallet|purse) stolen(, card inside|!!|)",
                            "(cant|can't) find my (card|{card})(??|)")),
            entry("card_not_arrived", "Card delivery", 1.0, List.of(
                    "I (ordered|requested|applied for) a new {card}[ {date}] and it (still hasn't arrived|never "
                            + "came|is not here yet)",
                    "I'm still waiting for my (new|replacement|) {card}",
                    "my replacement {card} hasn't (shown up|turned up|come)[ after {days}]",
                    "it's been {days} and (there's|I see) no sign of my new {card}",
                    "can I track the (delivery|shipping|post) of my {card}?",
                    "(has my new {card} been (sent|posted|dispatched)|was my new {card} (sent|posted)) yet?",
                    "you said my {card} would (come|be here) in 5 days, it's been {days}",
                    "how long does it take (for a new {card} to come|to get a {card}) in the (mail|post)?",
                    "my {card} (should have been here|was due) (last week|by now|{date}) but my mailbox is empty",
                    "did you send the {card} to my old address? (nothing came|I have nothing)",
                    "my old {card} (expires soon|expired) and the new one (is not here|is nowhere)",
                    "I opened my account {days} ago and I'm still without a {card}",
                    "I (checked|check) the mailbox every day and (still|) no {card}[ since {date}]",
                    "the delivery of my (new|) {card} is (late|taking forever)",
                    "my {card} order (hasn't come|is not here), can you check the shipping?",
                    "I think my new {card} (got lost|went missing) in the post",
                    "I can't pay for anything because my new {card} still isn't here",
                    "the (courier|postman) (hasn't brought|was supposed to bring) my {card}[ {date}]",
                    "I ordered a replacement {card} {days} ago, where is the (shipment|letter)?",
                    "is my new {card} lost? it should have been (here|delivered) by now",
                    "my new {card} was sent {days} ago and I've lost track of it"),
                    List.of("(card|new card) not here yet(??|)", "where is my (new|replacement) (card|{card})(??|?)",
                            "still no (card|new card)(!!|)", "new card never (came|arrived)",
                            "(waiting|still waiting) for my (new|) card")),
            entry("card_declined", "Card payments", 1.3, List.of(
                    "my {card} was declined at {merchant}[ {date}]",
                    "my payment (failed|didn't go through|bounced) (at|in) {merchant} even though I have (money|"
                            + "funds) on it",
                    "the (terminal|cashier|card machine) (said no|wouldn't accept my {card}|beeped and said error)",
                    "I tried to pay[ {amount}] (online|in a shop|at {merchant}) and (it didn't work|it failed|it "
                            + "said no)",
                    "my {card} (isn't working|doesn't work|stopped working) (for payments|at checkout|anywhere)",
                    "(payment|transaction) (failed|refused) again, (this is embarrassing|what is going on)",
                    "I couldn't pay for (my groceries|dinner|petrol|my shopping) with my {card}[ {date}]",
                    "my {card} (was refused|didn't work) at the (ATM|cash machine)[ {date}]",
                    "checkout (keeps failing|says payment unsuccessful) when I try to buy the {item}",
                    "why (can't I|am I unable to) (pay|shop) (online|contactless|abroad) with my {card}?",
                    "the {card} (works|worked yesterday) but this (one|) (transaction|payment)[ of {amount}] "
                            + "(failed|was denied)",
                    "(the shop|{merchant}) (wouldn't|would not) take my {card}",
                    "(I was at|at) {merchant} and my {card} (just|) (did not|didn't) go through",
                    "my {card} got blocked at the (store|till) when I tried to pay",
                    "the payment for my order (was refused|bounced) and (I can't check out|the order didn't go "
                            + "through)",
                    "the (card machine|terminal) showed an error (with|for) my {card}",
                    "my {card} seems blocked, every (shop|website) refuses it",
                    "I tried to pay my bill[ of {amount}] and the {card} was rejected",
                    "the {card} payment for my {plan} membership failed",
                    "my order didn't go through because my {card} (got refused|was turned down)"),
                    List.of("card (declined|rejected|refused)(??|!!|)", "(why|how come) (declined|rejected)(??|?)",
                            "(payment|card payment) (failed|refused) (again|at the shop|)",
                            "(card|my card) not working at (shops|the till|checkout)")),
            entry("refund_request", "Refund", 1.4, List.of(
                    "I (want|would like) my money back for the {item}[ from {orderno}]",
                    "how do I (return|send back) the {item} and get (paid back|reimbursed|my money)?",
                    "the {item} (is broken|stopped working|doesn't fit|is not what I expected), can I (send it back|"
                            + "return it)?",
                    "I returned the {item}[ {date}] but (haven't|still haven't) (got|seen) (the money|my money back)",
                    "please (pay me back|refund me)[ {amount}] for the {item}, it (arrived damaged|broke after a day)",
                    "I sent the {item} back (two weeks|ages|a month) ago, where is my money?",
                    "can I return the {item} I bought[ {date}] (and get the full price back|for a refund)?",
                    "I'd like to return this {item} and (have the money put back on|be paid back to) my {card}",
                    "not happy with the {item}, I want to send it back",
                    "(can|could) I get (the money back|reimbursed) if I (haven't opened|never used) the {item}?",
                    "the {item} (came|arrived) (scratched|broken|in pieces), I'd like (to return it|my money back)",
                    "the return was accepted[ {date}] but (nothing|no money) (is|has come back) on my {card} yet",
                    "I sent the {order} back, please (reverse the charge|put the money back) on my {card}",
                    "I returned my {order} {days} ago and the money isn't on my {card}",
                    "the courier picked up my return[ {date}], when is my money coming?",
                    "the {item} I received is broken, please credit my {card}",
                    "where is the money for the {item} I sent back {days} ago?",
                    "the {item} didn't fit so I sent it back, when will I see the payment?",
                    "I'd like (a credit|the money) to my account for the {item} I sent back"),
                    List.of("(refund|money back) (please|pls|asap)", "where is my refund(??|?|)",
                            "refund status(?|??)", "(i want|want) (a refund|my money back)",
                            "(want to|how to) return (this|the item|it)")),
            entry("billing_dispute", "Billing", 0.9, List.of(
                    "I was charged twice[, {amount},] for the same {order}",
                    "there is a (charge|payment)[ of {amount}] on my statement (I don't recognise|I never made|I "
                            + "didn't authorise)",
                    "you (took|charged me) {amount} but the price (was lower|on the website was lower)",
                    "why (am I still paying|was I charged)[ {amount}] for a subscription I (cancelled|never signed "
                            + "up for)?",
                    "I (want|need) to (contest|challenge|query) a (charge|payment)[ from {date}]",
                    "my {card} shows a payment to your shop that I didn't make",
                    "the amount (taken|debited) from my (account|{card}) (is wrong|doesn't match my order)",
                    "(you took money twice|double payment) (from|on) my {card}, please (fix|check|look into) this",
                    "I see (two|three) identical (payments|charges)[ of {amount}] (on my statement|in my bank app)",
                    "you're still taking money every month after I cancelled",
                    "there's a (fee|charge) on my (statement|bank app) I don't understand",
                    "I paid more than the (price|total) shown for {orderno}",
                    "this (charge|payment)[ of {amount}] is not mine, I didn't buy anything (from you|{date})",
                    "(why was I charged|why did I pay|how come I paid) (again|twice) this month?",
                    "my bank (shows|says) you took {amount}, the checkout said {amount}",
                    "my invoice shows {amount} but I paid less at checkout",
                    "you charged my {card} for an order I never placed",
                    "I got charged for the {plan} plan but I never upgraded",
                    "{app} shows a charge I (didn't make|don't recognise)",
                    "I was billed for delivery although shipping was (free|included)",
                    "I ended my {plan} membership[ {date}] but you still took {amount}"),
                    List.of("charged twice(!!|??|)", "(wrong|unknown|weird) charge on my (card|statement)",
                            "(overcharged|double charged)(!!|)", "dispute a (charge|payment)",
                            "unknown payment (on my card|from you|)")),
            entry("cancel_order", "Cancel order", 1.2, List.of(
                    "can I still (cancel|stop) the {order} I placed[ {date}]?",
                    "I ordered the wrong (size|colour|model)[ in {orderno}], please don't (send|ship) it",
                    "I changed my mind about the {item}, (stop|halt) the {order} please",
                    "I (accidentally|mistakenly) ordered the {item} twice, (only send one|drop one of them)",
                    "is it too late to (stop|cancel) my {order}[ {orderno}]?",
                    "don't (send|ship) the {item}, I no longer (need|want) it",
                    "I (bought|ordered) it by mistake, can you (stop|void) it before it's (shipped|sent)?",
                    "found the {item} cheaper elsewhere, please (don't send it|call off my {order})",
                    "(stop|halt) my {order}[ from {date}], I don't want it anymore",
                    "I (placed|made) (an order|a purchase) (a minute|an hour|5 minutes) ago and want to undo it",
                    "the {item} I (just|) ordered is no longer needed, (can you|please) (call it off|stop it)?",
                    "(please|can you) (stop|block) the shipment of (the|my) {item}, I (don't|no longer) need it",
                    "the delivery isn't needed anymore, (stop|cancel) it please",
                    "I want to cancel the order and get my money back before it ships",
                    "please don't deliver my {order} to {address}, I (don't want it at all|want to cancel it "
                            + "entirely)",
                    "I ordered (with the wrong {card}|by accident), reverse the {order} before it's sent",
                    "I (clicked|tapped) buy twice in {app}, stop the second {order}",
                    "I don't want the {item} delivered (at all|anymore)",
                    "I paid for the {item} (an hour|ten minutes) ago with my {card}, I want to take it back before "
                            + "you send it",
                    "the {item} hasn't been sent yet, right? I don't want it anymore",
                    "please stop the delivery of {orderno}, I don't need it (anymore|after all)"),
                    List.of("cancel (my|the) order( pls|)", "(stop|undo) my (order|purchase)",
                            "(dont|don't) ship it", "cancel it (pls|please|)")),
            entry("change_delivery_address", "Delivery address", 0.8, List.of(
                    "I (moved|am moving)[ {date}], please (update|change) where my {order} goes",
                    "I typed the wrong (street|postcode|house number) (for|on) my {order}",
                    "please (bring|deliver) the {item} to my (office|work|parents' house) instead",
                    "can I redirect my {order} to {address}?",
                    "(ship|send) (it|the {item}) to {address} instead please",
                    "I won't be home, can the {order} go to (my neighbour|a pickup point|my office)?",
                    "(oops|sorry), I (put|entered) my old (address|flat)[ on {orderno}], can you fix it before it "
                            + "ships?",
                    "I'd like the {order} (taken|sent) to {address} (rather than|not) my home",
                    "I'm staying at {address} (this week|until Friday), can the courier come there?",
                    "please update my address for the delivery[ of {orderno}]",
                    "the {order} is going to my old flat, please redirect it",
                    "I moved house, the courier (must|should) deliver to {address}",
                    "in {app} I picked the wrong address for the {order}",
                    "can you update my account with my new home address for this {order}?",
                    "the {order} will arrive at my old flat, (please send it to {address}|I moved out)",
                    "my email is fine but the street on my {order} is wrong",
                    "update my details: the {order} should go to {address}",
                    "can the {item} come to my work instead of my home?",
                    "I'm not at home until Friday, can you deliver the {item} somewhere else?",
                    "don't bring the {order} to my home, I'm at {address} this week"),
                    List.of("(change|update) (delivery|shipping) address", "wrong address on (my|the) order",
                            "new shipping address (pls|)", "redirect my (parcel|package)",
                            "send it (elsewhere|to my office)")),
            entry("delivery_late", "Delivery", 1.6, List.of(
                    "my {order}[ {orderno}] (still hasn't arrived|is late|hasn't come yet)",
                    "where is my {order}? it was supposed to (arrive|be here)[ {date}]",
                    "I ordered the {item} {days} ago and (nothing has come|no {order} yet)",
                    "the tracking (hasn't updated|says in transit) for {days}",
                    "(when|how soon) will my {item} (arrive|be here|finally come)?",
                    "(estimated|expected) delivery was (yesterday|last week|Monday) and still nothing",
                    "my {order} seems (stuck|lost) (in transit|in the post|somewhere)",
                    "is my {order} (delayed|lost)? tracking (shows nothing|is stuck)",
                    "it's been {days} since I (ordered|paid with my {card}), where's my (stuff|{item})?",
                    "(your|the) courier (never showed up|didn't come)[ {date}]",
                    "I paid for express shipping and the {item} is still not here",
                    "(why|how come) is my {order} taking so long?",
                    "the {item} was due {date} and I'm still waiting",
                    "I've been waiting {days} for my {order}[ {orderno}], (this is ridiculous|any update?)",
                    "(the app|{app}) (says|shows) my {order} is on its way but (nothing came|it's been {days})",
                    "my {order} has not arrived yet",
                    "I'm still waiting for the {order} I paid for with my {card}",
                    "the delivery address is correct but the {order} never came",
                    "the {order} I placed {days} ago still says processing",
                    "I need the {item} for a birthday and it's not here yet"),
                    List.of("where is my (package|parcel|order)(??|?|)",
                            "(parcel|package|order) (late|delayed)(!!|)", "still waiting on (delivery|my order)",
                            "tracking (stuck|not moving)", "my order(??|!!)")),
            entry("wrong_item_received", "Wrong item", 1.0, List.of(
                    "I ordered the {item} but (received|got) (something else|a different product) instead",
                    "the {order} (contained|had) the wrong (product|size|colour)",
                    "this is not what I (ordered|paid for)[, {orderno}]",
                    "you sent me (a|the) (different|wrong) {item}",
                    "(wrong|incorrect) (size|colour|model) (delivered|in the box)[ for {orderno}]",
                    "the box had someone else's (things|{order}) in it",
                    "I (got|received) (this|the) {item} but I never ordered (it|one)",
                    "(part|half) of my {order} is missing and there's (a thing|something) I didn't buy",
                    "the {item} I received is (a different brand|another model|in another colour)",
                    "(I opened|just opened) the (parcel|box) and (it's not my {item}|there's a {item} in it, I "
                            + "ordered something else)",
                    "how do I exchange (a product|something) you sent by mistake?",
                    "the {item} in the {order} (doesn't match|isn't) what's on my order confirmation",
                    "I (need|want) the {item} I actually ordered, you (sent|shipped) (another one|a different one)",
                    "(you mixed up my {order}|my {order} got mixed up), the contents are not what I ordered",
                    "my {order} arrived but the {item} inside is (not mine|something I didn't order)",
                    "I paid for the {item} and got something else",
                    "the delivery had a different product than the invoice",
                    "can you send the right {item}? the one that came is wrong"),
                    List.of("wrong (item|product|thing) (sent|arrived|delivered)", "not what I ordered(!!|)",
                            "got the wrong (size|colour|model)", "mixed up (order|delivery)")),
            entry("password_reset", "Password", 1.3, List.of(
                    "I forgot my password[ for {email}]",
                    "the (password reset|recovery) (email|link) (never arrives|isn't coming|has expired)",
                    "I can't remember my (password|login details), (help|what do I do)",
                    "the link (you emailed me|in your email) (says invalid|doesn't work|leads to an error)",
                    "I don't (know|remember) (my password|how I log in) anymore (and|so) I can't get in",
                    "my password isn't accepted, I think I (forgot it|mixed it up)",
                    "(please|can you) send me a (new|fresh) (login link|password)",
                    "I clicked forgot password but (nothing happened|no email came)",
                    "I'd like to (update|change) my (password|login) (for security|to something stronger)",
                    "I (got a new phone|switched phones) and (don't have|forgot) my (login|password) for {app}",
                    "the email to change my password never arrived",
                    "I need a new login, I don't remember what I set when I opened the {account}",
                    "the reset code in {app} doesn't work",
                    "I want to (reset|redo) my login, my (old|current) password (is weak|leaked)",
                    "I lost my login details[ for {email}]",
                    "I can't get in because I don't remember what I (typed|chose) as (my|a) password",
                    "{app} asks for my password and I (don't remember|have no idea) what it is",
                    "my (email|mailbox) was hacked, so I need to change the password (here|on my {account}) too"),
                    List.of("forgot (my|) (password|pass)", "reset (pw|password) (pls|please|)",
                            "new password (pls|please)", "password reset link(??|?)",
                            "(cant|can't) remember (my|) password")),
            entry("account_locked", "Account locked", 0.9, List.of(
                    "my {account} (is|has been|got) (locked|blocked|frozen|suspended)",
                    "I (can't|cannot) log in, it says my {account} is (locked|blocked|disabled)",
                    "(too many|a few) (failed|wrong) (attempts|logins) and now (I can't get in|it won't let me in)",
                    "{app} says (temporarily blocked|access denied|access suspended), what do I do?",
                    "I entered my password wrong (three|a few) times and now I can't get in",
                    "my {account} was (blocked|disabled) for (suspicious activity|security reasons)",
                    "how long (does|will) (the block|the lock) on my {account} last?",
                    "I (know|have) my password but the {account} (is still blocked|won't let me in)",
                    "(restore|give me back) access to my {account}, (you blocked it|it was blocked)[ {date}]",
                    "(it|{app}) says (I have|there were) too many login attempts, (now what|how long do I wait)?",
                    "{app} won't let me sign in, it says my {account} is on hold",
                    "I can't access my {account} after you flagged a payment",
                    "I can't get into my {account} to see my orders, it says access restricted",
                    "my card works but my online {account} is (blocked|frozen)",
                    "even with the right password it won't let me in, it says too many tries",
                    "I reset my password but the {account} is still frozen",
                    "I get an error in {app} saying my {account} is on hold",
                    "you blocked me after I paid from abroad, (now|and) I can't sign in"),
                    List.of("(account|profile) (locked|blocked|frozen)(??|!!|)", "locked out(!!|)",
                            "(unlock|unblock) me (pls|please)", "(cant|can't) log in, locked")),
            entry("update_email", "Email", 0.6, List.of(
                    "I (no longer use|lost access to) my old (email|mailbox), (can you|please) (change|replace) it",
                    "please (use|send everything to) {email} from now on",
                    "my (email|e-mail address) (changed|is out of date), where do I edit it?",
                    "can I use a different (email|e-mail) (to log in|for my {account}|for notifications)?",
                    "I'm not getting your (emails|messages) because the address on file is old",
                    "(switch|change) my contact (email|address) to my (work|personal|new) one",
                    "I (made a typo|misspelled something) in my (email|e-mail) when I signed up[, it should be "
                            + "{email}]",
                    "how can I (change|update) the (email|mailbox) (linked to|on) my {account}?",
                    "my login email is wrong, I need to fix the address",
                    "I changed jobs and my old email is closed, please put the new one on my {account}",
                    "your emails about my orders go to an old address",
                    "the email on my profile (bounces|no longer exists), (replace it with|use) {email}",
                    "I can't receive your messages because my old mailbox is closed, please put {email} on my "
                            + "{account}",
                    "I'd like to change the address you write to, my new one is {email}",
                    "please change where your messages go, I have a new inbox"),
                    List.of("(change|update) (my|) email", "new email address", "email change (pls|please)",
                            "wrong email on (my|) account")),
            entry("invoice_copy", "Invoice", 0.7, List.of(
                    "(can|could) I (get|have) a copy of the invoice for my {order}[ {orderno}]?",
                    "I need a receipt for my purchase of the {item}",
                    "please (send|email) me the (invoice|bill|receipt)[ for {orderno}]",
                    "where (can|do) I (download|find) my (invoices|receipts)?",
                    "I need a VAT (invoice|receipt) (for work|for my company|for expenses)",
                    "my accountant needs (proof of purchase|the paperwork) for (my|the) {order}[ {date}]",
                    "I lost the (receipt|paperwork) for my {item}, can you (resend|send) it?",
                    "can you (issue|make out) the (invoice|bill) in my company's name?",
                    "where is the (bill|receipt) for {orderno}?",
                    "I (need|want) (an itemised|a printed|a PDF) (invoice|receipt)[ for {orderno}]",
                    "(could|can) you send (another|a second) copy of my (receipt|bill) to {email}?",
                    "I (need|want) (a document|paperwork) showing what I paid for the {item} (for warranty|for "
                            + "insurance|for my employer)",
                    "I need the bill for the charge on my {card} for my tax return",
                    "the invoice never arrived in my (email|inbox)",
                    "my company needs a document for the {plan} subscription I pay",
                    "can I get the receipt in {app}? I can't find it"),
                    List.of("invoice (please|pls)", "need a receipt", "(send|resend) (the|) invoice",
                            "copy of my (bill|invoice)", "download (invoice|receipt)")),
            entry("upgrade_plan", "Plans", 0.6, List.of(
                    "I (want|would like) to (move up|switch) to {plan}",
                    "how do I (move|switch) to the {plan} (plan|membership|tier)?",
                    "what do I get (if I pay more|with {plan})?",
                    "can I (upgrade|change) my (subscription|membership|plan) (now|mid-month|today)?",
                    "how much does {plan} cost (per month|per year|)?",
                    "I (need|want) more (features|free deliveries|cashback), (what are my options|which "
                            + "(membership|tier) should I take)?",
                    "(please|can you) (switch|move) my (subscription|membership) (from Basic|) to {plan}",
                    "is there a (family|business|bigger) (plan|membership) I can (move to|join)?",
                    "I'm on the free (plan|membership), how do I get {plan}?",
                    "I'd like to (go|move up) to a higher (tier|level)",
                    "(does|would) {plan} (include|give me) free shipping? I'm (thinking of|considering) (it|"
                            + "switching)",
                    "I shop (a lot|every week) now, (is|would) {plan} (be|) (worth it|better) for me?",
                    "I want to change my {account} to {plan}",
                    "can I pay with my {card} to go to {plan}?",
                    "what will my monthly bill be if I take {plan}?",
                    "I want faster delivery, which (plan|membership) includes it?"),
                    List.of("upgrade (my|) (plan|membership)", "go premium", "switch to (Plus|Gold|Pro)",
                            "(better|bigger) plan?")),
            entry("close_account", "Close account", 0.5, List.of(
                    "please (terminate|remove|delete) my {account}, I'm (done|leaving)",
                    "I don't use your (shop|service) anymore, (get rid of|remove) my {account}",
                    "what happens to my data if I (leave|quit|delete my {account})?",
                    "(end|stop) my membership and delete everything",
                    "I'm switching to another (shop|provider), (get rid of|erase) my {account}",
                    "(delete|erase) all my personal data (under GDPR|please|for good)",
                    "(can|how can) I (leave|quit) your (shop|service) (for good|today|completely)?",
                    "(forget|remove) me (entirely|from your systems), I (won't|don't) shop here again",
                    "cancel my {account} and all my subscriptions",
                    "I want to cancel everything with you and remove my email from your lists",
                    "unsubscribe me from everything and delete my login",
                    "after this last order I'm done, please delete my {account}",
                    "please stop sending me emails and remove my {account} for good",
                    "I want to leave and have my password and login removed"),
                    List.of("(close|delete) my account", "remove my profile", "i want out, delete me",
                            "delete (my|all my) data")),
            entry("app_crash", "App", 0.8, List.of(
                    "{app} (keeps (crashing|closing)|closes by itself) (when I open it|on startup|at checkout)",
                    "{app} (freezes|hangs|goes blank) (every time|whenever) I (try to pay|open my orders|log in)",
                    "since the (last|latest) update {app} (won't open|doesn't start|shuts down)",
                    "{app} (shuts down|quits) (as soon as|right after) I tap (orders|my cart|the card tab)",
                    "I (reinstalled|updated) {app} and it still (closes|quits|doesn't open)",
                    "(every time|whenever) I open {app} it (closes|throws me out|shows an error)",
                    "{app} is (unusable|broken), it (closes|freezes) (constantly|all the time)",
                    "I (can't|cannot) (see my orders|check my {card}|pay) because {app} (keeps closing|freezes)",
                    "{app} closes when I open my orders",
                    "I can't log in because {app} freezes on the login screen",
                    "the screen goes black when I try to look at my {card} in {app}",
                    "my phone shows an error and {app} (shuts|closes)",
                    "I can't see my {card} or my orders, {app} shows a blank page",
                    "the payment screen goes white and {app} quits",
                    "{app} throws me out right after I log in",
                    "after the update I can't get into {app}, it shuts (straight away|immediately)"),
                    List.of("app (crashing|crashes|frozen)", "app (wont|won't) open", "app keeps closing",
                            "crash on (startup|checkout)")));

    private DeskCatalog() {
    }

    private static Entry entry(String name, String description, double share, List<String> templates,
            List<String> shorts) {
        return new Entry(new Intent(name, description), share, templates, shorts);
    }

    /** Every intent, in a fixed order (the order of the catalog). */
    public static List<Intent> intents() {
        List<Intent> out = new ArrayList<>(ENTRIES.size());
        for (Entry e : ENTRIES) {
            out.add(e.intent());
        }
        return List.copyOf(out);
    }

    /**
     * The intent of this name.
     *
     * @throws BadInputException if the catalog has no intent of that name (the message lists the names it has)
     */
    public static Intent intent(String name) {
        for (Entry e : ENTRIES) {
            if (e.intent().name().equals(name)) {
                return e.intent();
            }
        }
        throw new BadInputException("intent", "unknown intent " + name + "; the desk has "
                + ENTRIES.stream().map(e -> e.intent().name()).collect(Collectors.joining(", ")));
    }

    static List<Entry> entries() {
        return ENTRIES;
    }
}
