import { hashString } from "./prng";
import { nameUuid } from "./ids";

/**
 * Real Australian bird species (names after the BirdLife Australia working list). Regions are
 * where records fall (see geo.ts); flags: c = among the most recorded, r = rarely recorded,
 * s = sensitive, generalised to 0.1°, S = sensitive, generalised to 1°.
 */
const DATA = `
@Casuariiformes Casuariidae
Dromaius novaehollandiae|Emu|W
Casuarius casuarius|Southern Cassowary|NE|r
@Galliformes Megapodiidae
Alectura lathami|Australian Brush-turkey|E|c
Leipoa ocellata|Malleefowl|S,A|r
Megapodius reinwardt|Orange-footed Scrubfowl|N
@Galliformes Phasianidae
Coturnix pectoralis|Stubble Quail|S
Synoicus ypsilophorus|Brown Quail|E,N
@Anseriformes Anseranatidae
Anseranas semipalmata|Magpie Goose|N
@Anseriformes Anatidae
Dendrocygna arcuata|Wandering Whistling-Duck|N
Dendrocygna eytoni|Plumed Whistling-Duck|N,E
Cygnus atratus|Black Swan|S,E,SW
Cereopsis novaehollandiae|Cape Barren Goose|S
Stictonetta naevosa|Freckled Duck|SE|r
Tadorna tadornoides|Australian Shelduck|S
Radjah radjah|Radjah Shelduck|N
Chenonetta jubata|Australian Wood Duck|W|c
Nettapus pulchellus|Green Pygmy-Goose|N
Nettapus coromandelianus|Cotton Pygmy-Goose|NE|r
Malacorhynchus membranaceus|Pink-eared Duck|W
Spatula rhynchotis|Australasian Shoveler|SE,SW
Anas gracilis|Grey Teal|W
Anas castanea|Chestnut Teal|S
Anas superciliosa|Pacific Black Duck|W|c
Aythya australis|Hardhead|W
Oxyura australis|Blue-billed Duck|S
Biziura lobata|Musk Duck|S
@Podicipediformes Podicipedidae
Tachybaptus novaehollandiae|Australasian Grebe|W
Poliocephalus poliocephalus|Hoary-headed Grebe|W
Podiceps cristatus|Great Crested Grebe|S,E
@Columbiformes Columbidae
Columba livia|Rock Dove|S,E
Spilopelia chinensis|Spotted Dove|E,SE
Macropygia phasianella|Brown Cuckoo-Dove|E
Chalcophaps longirostris|Pacific Emerald Dove|E,N
Phaps chalcoptera|Common Bronzewing|W
Phaps elegans|Brush Bronzewing|S,T
Phaps histrionica|Flock Bronzewing|A|r
Ocyphaps lophotes|Crested Pigeon|W|c
Geophaps plumifera|Spinifex Pigeon|A
Geophaps scripta|Squatter Pigeon|NE
Geophaps smithii|Partridge Pigeon|N|r
Leucosarcia melanoleuca|Wonga Pigeon|E
Geopelia cuneata|Diamond Dove|A
Geopelia placida|Peaceful Dove|E,N
Geopelia humeralis|Bar-shouldered Dove|N,E
Ptilinopus magnificus|Wompoo Fruit-Dove|NE,E
Ptilinopus regina|Rose-crowned Fruit-Dove|N,E
Ptilinopus superbus|Superb Fruit-Dove|NE
Ducula spilorrhoa|Torresian Imperial-Pigeon|N
Lopholaimus antarcticus|Topknot Pigeon|E
@Podargiformes Podargidae
Podargus strigoides|Tawny Frogmouth|W
Podargus papuensis|Papuan Frogmouth|NE
Podargus ocellatus|Marbled Frogmouth|NE|r
@Caprimulgiformes Eurostopodidae
Eurostopodus argus|Spotted Nightjar|A
Eurostopodus mystacalis|White-throated Nightjar|E
@Caprimulgiformes Caprimulgidae
Caprimulgus macrurus|Large-tailed Nightjar|N
@Aegotheliformes Aegothelidae
Aegotheles cristatus|Australian Owlet-nightjar|W
@Apodiformes Apodidae
Hirundapus caudacutus|White-throated Needletail|E
Apus pacificus|Fork-tailed Swift|W
Aerodramus terraereginae|Australian Swiftlet|NE
@Otidiformes Otididae
Ardeotis australis|Australian Bustard|N,A
@Cuculiformes Cuculidae
Centropus phasianinus|Pheasant Coucal|N,E
Eudynamys orientalis|Pacific Koel|E,N
Scythrops novaehollandiae|Channel-billed Cuckoo|E,N
Chrysococcyx basalis|Horsfield's Bronze-Cuckoo|W
Chrysococcyx lucidus|Shining Bronze-Cuckoo|E,SW
Chrysococcyx osculans|Black-eared Cuckoo|A
Cacomantis pallidus|Pallid Cuckoo|W
Cacomantis flabelliformis|Fan-tailed Cuckoo|E,SW,T
Cacomantis variolosus|Brush Cuckoo|E,N
@Gruiformes Rallidae
Lewinia pectoralis|Lewin's Rail|E,SE
Gallirallus philippensis|Buff-banded Rail|W
Porphyrio melanotus|Australasian Swamphen|W|c
Zapornia pusilla|Baillon's Crake|W
Zapornia tabuensis|Spotless Crake|S,E
Porzana fluminea|Australian Crake|W
Tribonyx ventralis|Black-tailed Nativehen|A
Tribonyx mortierii|Tasmanian Nativehen|T
Gallinula tenebrosa|Dusky Moorhen|E,S,SW
Fulica atra|Eurasian Coot|W
Amaurornis moluccana|Pale-vented Bush-hen|NE
@Gruiformes Gruidae
Antigone rubicunda|Brolga|N,E
Antigone antigone|Sarus Crane|NE
@Sphenisciformes Spheniscidae
Eudyptula minor|Little Penguin|S,T
@Procellariiformes Diomedeidae
Diomedea exulans|Wandering Albatross|S|r
Thalassarche cauta|Shy Albatross|T,S
Thalassarche melanophris|Black-browed Albatross|S
@Procellariiformes Procellariidae
Macronectes giganteus|Southern Giant-Petrel|S|r
Ardenna tenuirostris|Short-tailed Shearwater|S,T
Ardenna pacifica|Wedge-tailed Shearwater|C
Pterodroma macroptera|Great-winged Petrel|S,SW
@Ciconiiformes Ciconiidae
Ephippiorhynchus asiaticus|Black-necked Stork|N,E
@Suliformes Sulidae
Morus serrator|Australasian Gannet|S
Sula leucogaster|Brown Booby|N,C
@Suliformes Fregatidae
Fregata ariel|Lesser Frigatebird|N
@Suliformes Anhingidae
Anhinga novaehollandiae|Australasian Darter|W
@Suliformes Phalacrocoracidae
Microcarbo melanoleucos|Little Pied Cormorant|W|c
Phalacrocorax carbo|Great Cormorant|W
Phalacrocorax sulcirostris|Little Black Cormorant|W
Phalacrocorax varius|Australian Pied Cormorant|C
Phalacrocorax fuscescens|Black-faced Cormorant|S,T
@Pelecaniformes Pelecanidae
Pelecanus conspicillatus|Australian Pelican|W|c
@Pelecaniformes Ardeidae
Botaurus poiciloptilus|Australasian Bittern|SE,SW|r
Ixobrychus dubius|Australian Little Bittern|E,SW
Ardea pacifica|White-necked Heron|W
Ardea alba|Great Egret|W
Ardea intermedia|Intermediate Egret|E,N
Egretta garzetta|Little Egret|E,N
Egretta novaehollandiae|White-faced Heron|W|c
Egretta sacra|Pacific Reef-Heron|C,N
Bubulcus ibis|Cattle Egret|E
Butorides striata|Striated Heron|C,N
Nycticorax caledonicus|Nankeen Night-Heron|W
@Pelecaniformes Threskiornithidae
Threskiornis molucca|Australian White Ibis|W|c
Threskiornis spinicollis|Straw-necked Ibis|W
Plegadis falcinellus|Glossy Ibis|E,N
Platalea regia|Royal Spoonbill|E,N
Platalea flavipes|Yellow-billed Spoonbill|W
@Accipitriformes Pandionidae
Pandion cristatus|Eastern Osprey|C,N
@Accipitriformes Accipitridae
Elanus axillaris|Black-shouldered Kite|W
Elanus scriptus|Letter-winged Kite|A|r
Lophoictinia isura|Square-tailed Kite|E,SW
Hamirostra melanosternon|Black-breasted Buzzard|N,A
Aviceda subcristata|Pacific Baza|E,N
Aquila audax|Wedge-tailed Eagle|W
Hieraaetus morphnoides|Little Eagle|W
Circus approximans|Swamp Harrier|S,SE,T
Circus assimilis|Spotted Harrier|W
Accipiter fasciatus|Brown Goshawk|W
Accipiter cirrocephalus|Collared Sparrowhawk|W
Accipiter novaehollandiae|Grey Goshawk|E,T,N
Erythrotriorchis radiatus|Red Goshawk|N,NE|r,s
Milvus migrans|Black Kite|N,A
Haliastur sphenurus|Whistling Kite|W
Haliastur indus|Brahminy Kite|N,C
Haliaeetus leucogaster|White-bellied Sea-Eagle|C
@Strigiformes Tytonidae
Tyto javanica|Eastern Barn Owl|W
Tyto novaehollandiae|Australian Masked Owl|E
Tyto tenebricosa|Sooty Owl|E
Tyto longimembris|Australasian Grass Owl|NE|r
@Strigiformes Strigidae
Ninox strenua|Powerful Owl|SE,E
Ninox rufa|Rufous Owl|N
Ninox connivens|Barking Owl|N,E
Ninox boobook|Southern Boobook|W
Ninox leucopsis|Tasmanian Boobook|T
@Coraciiformes Alcedinidae
Dacelo novaeguineae|Laughing Kookaburra|E,SE,SW|c
Dacelo leachii|Blue-winged Kookaburra|N
Todiramphus sanctus|Sacred Kingfisher|W
Todiramphus macleayii|Forest Kingfisher|N,E
Todiramphus pyrrhopygius|Red-backed Kingfisher|A
Todiramphus chloris|Collared Kingfisher|N,C
Tanysiptera sylvia|Buff-breasted Paradise-Kingfisher|NE
Ceyx azureus|Azure Kingfisher|E,N
Ceyx pusillus|Little Kingfisher|N
@Coraciiformes Meropidae
Merops ornatus|Rainbow Bee-eater|W
@Coraciiformes Coraciidae
Eurystomus orientalis|Oriental Dollarbird|N,E
@Falconiformes Falconidae
Falco cenchroides|Nankeen Kestrel|W
Falco berigora|Brown Falcon|W
Falco longipennis|Australian Hobby|W
Falco hypoleucos|Grey Falcon|A|r,s
Falco subniger|Black Falcon|A
Falco peregrinus|Peregrine Falcon|W
@Psittaciformes Cacatuidae
Probosciger aterrimus|Palm Cockatoo|NE|r
Calyptorhynchus banksii|Red-tailed Black-Cockatoo|N,SW
Calyptorhynchus lathami|Glossy Black-Cockatoo|E
Zanda funerea|Yellow-tailed Black-Cockatoo|SE,T
Zanda latirostris|Carnaby's Black-Cockatoo|SW
Zanda baudinii|Baudin's Black-Cockatoo|SW
Callocephalon fimbriatum|Gang-gang Cockatoo|SE
Eolophus roseicapilla|Galah|W|c
Lophochroa leadbeateri|Major Mitchell's Cockatoo|A
Cacatua galerita|Sulphur-crested Cockatoo|E,N,SE|c
Cacatua sanguinea|Little Corella|W
Cacatua tenuirostris|Long-billed Corella|SE
Cacatua pastinator|Western Corella|SW
Nymphicus hollandicus|Cockatiel|W
@Psittaciformes Psittaculidae
Trichoglossus moluccanus|Rainbow Lorikeet|E,SE|c
Trichoglossus rubritorquis|Red-collared Lorikeet|N
Trichoglossus chlorolepidotus|Scaly-breasted Lorikeet|E
Psitteuteles versicolor|Varied Lorikeet|N
Glossopsitta concinna|Musk Lorikeet|SE
Parvipsitta pusilla|Little Lorikeet|E
Parvipsitta porphyrocephala|Purple-crowned Lorikeet|S
Cyclopsitta diophthalma|Double-eyed Fig-Parrot|NE
Aprosmictus erythropterus|Red-winged Parrot|N,E
Alisterus scapularis|Australian King-Parrot|E
Polytelis swainsonii|Superb Parrot|SE
Polytelis anthopeplus|Regent Parrot|SW,SE
Polytelis alexandrae|Princess Parrot|A|r,s
Platycercus elegans|Crimson Rosella|SE,E|c
Platycercus eximius|Eastern Rosella|SE,T
Platycercus adscitus|Pale-headed Rosella|NE
Platycercus caledonicus|Green Rosella|T
Platycercus icterotis|Western Rosella|SW
Platycercus venustus|Northern Rosella|N
Barnardius zonarius|Australian Ringneck|A,SW
Psephotus haematonotus|Red-rumped Parrot|SE
Northiella haematogaster|Eastern Bluebonnet|SE,A
Psephotellus varius|Mulga Parrot|A
Purpureicephalus spurius|Red-capped Parrot|SW
Melopsittacus undulatus|Budgerigar|A
Pezoporus wallicus|Eastern Ground Parrot|SE|r
Pezoporus occidentalis|Night Parrot|A|r,S
Neophema chrysostoma|Blue-winged Parrot|SE,T
Neophema elegans|Elegant Parrot|S
Neophema pulchella|Turquoise Parrot|E
Neophema chrysogaster|Orange-bellied Parrot|T,S|r,s
Neopsephotus bourkii|Bourke's Parrot|A
Lathamus discolor|Swift Parrot|T,SE|s
@Passeriformes Menuridae
Menura novaehollandiae|Superb Lyrebird|SE,E
Menura alberti|Albert's Lyrebird|E|r
@Passeriformes Atrichornithidae
Atrichornis rufescens|Rufous Scrub-bird|E|r
@Passeriformes Ptilonorhynchidae
Ailuroedus crassirostris|Green Catbird|E
Scenopoeetes dentirostris|Tooth-billed Bowerbird|NE
Sericulus chrysocephalus|Regent Bowerbird|E
Ptilonorhynchus violaceus|Satin Bowerbird|E,SE
Chlamydera nuchalis|Great Bowerbird|N
Chlamydera maculata|Spotted Bowerbird|A,E
Chlamydera guttata|Western Bowerbird|A
@Passeriformes Climacteridae
Cormobates leucophaea|White-throated Treecreeper|E,SE
Climacteris picumnus|Brown Treecreeper|E,SE
Climacteris rufa|Rufous Treecreeper|SW
@Passeriformes Maluridae
Malurus cyaneus|Superb Fairywren|SE,E,T|c
Malurus splendens|Splendid Fairywren|SW,A
Malurus lamberti|Variegated Fairywren|W
Malurus pulcherrimus|Blue-breasted Fairywren|SW
Malurus elegans|Red-winged Fairywren|SW
Malurus leucopterus|White-winged Fairywren|A
Malurus melanocephalus|Red-backed Fairywren|N,E
Stipiturus malachurus|Southern Emu-wren|S
Amytornis striatus|Striated Grasswren|A
Amytornis dorotheae|Carpentarian Grasswren|N|r,s
@Passeriformes Meliphagidae
Acanthorhynchus tenuirostris|Eastern Spinebill|SE,E,T
Acanthorhynchus superciliosus|Western Spinebill|SW
Myzomela sanguinolenta|Scarlet Myzomela|E
Myzomela obscura|Dusky Myzomela|N
Certhionyx variegatus|Pied Honeyeater|A
Sugomel niger|Black Honeyeater|A
Lichmera indistincta|Brown Honeyeater|N,SW,A
Phylidonyris novaehollandiae|New Holland Honeyeater|S,SW,T|c
Phylidonyris niger|White-cheeked Honeyeater|E,SW
Gliciphila melanops|Tawny-crowned Honeyeater|S
Ramsayornis modestus|Brown-backed Honeyeater|NE
Conopophila rufogularis|Rufous-throated Honeyeater|N
Epthianura tricolor|Crimson Chat|A
Epthianura albifrons|White-fronted Chat|S
Epthianura aurifrons|Orange Chat|A
Ashbyia lovensis|Gibberbird|A|r
Grantiella picta|Painted Honeyeater|E
Xanthotis macleayanus|Macleay's Honeyeater|NE
Philemon corniculatus|Noisy Friarbird|E
Philemon citreogularis|Little Friarbird|N,E
Philemon argenticeps|Silver-crowned Friarbird|N
Entomyzon cyanotis|Blue-faced Honeyeater|N,E
Melithreptus lunatus|White-naped Honeyeater|E,SE
Melithreptus brevirostris|Brown-headed Honeyeater|S
Melithreptus albogularis|White-throated Honeyeater|N,E
Melithreptus affinis|Black-headed Honeyeater|T
Melithreptus validirostris|Strong-billed Honeyeater|T
Plectorhyncha lanceolata|Striped Honeyeater|E,A
Acanthagenys rufogularis|Spiny-cheeked Honeyeater|A,S
Anthochaera carunculata|Red Wattlebird|S,SW|c
Anthochaera chrysoptera|Little Wattlebird|SE
Anthochaera lunulata|Western Wattlebird|SW
Anthochaera paradoxa|Yellow Wattlebird|T
Anthochaera phrygia|Regent Honeyeater|SE|r,s
Manorina melanocephala|Noisy Miner|E,SE|c
Manorina flavigula|Yellow-throated Miner|W
Manorina melanophrys|Bell Miner|E
Meliphaga lewinii|Lewin's Honeyeater|E
Meliphaga notata|Yellow-spotted Honeyeater|NE
Caligavis chrysops|Yellow-faced Honeyeater|E,SE
Lichenostomus melanops|Yellow-tufted Honeyeater|SE
Nesoptilotis leucotis|White-eared Honeyeater|S
Nesoptilotis flavicollis|Yellow-throated Honeyeater|T
Ptilotula penicillata|White-plumed Honeyeater|W
Ptilotula fusca|Fuscous Honeyeater|E
Ptilotula ornata|Yellow-plumed Honeyeater|S,A
Ptilotula keartlandi|Grey-headed Honeyeater|A
Gavicalis virescens|Singing Honeyeater|A,SW
Stomiopera unicolor|White-gaped Honeyeater|N
Purnella albifrons|White-fronted Honeyeater|A
@Passeriformes Pardalotidae
Pardalotus punctatus|Spotted Pardalote|SE,SW,E
Pardalotus striatus|Striated Pardalote|W
Pardalotus quadragintus|Forty-spotted Pardalote|T|r
@Passeriformes Acanthizidae
Dasyornis brachypterus|Eastern Bristlebird|E|r
Pycnoptilus floccosus|Pilotbird|SE
Origma solitaria|Rockwarbler|E
Sericornis frontalis|White-browed Scrubwren|S,E,SW
Sericornis citreogularis|Yellow-throated Scrubwren|E
Sericornis magnirostra|Large-billed Scrubwren|E
Sericornis humilis|Tasmanian Scrubwren|T
Pyrrholaemus sagittatus|Speckled Warbler|E
Smicrornis brevirostris|Weebill|W
Gerygone mouki|Brown Gerygone|E
Gerygone olivacea|White-throated Gerygone|E,N
Gerygone fusca|Western Gerygone|SW,A
Gerygone levigaster|Mangrove Gerygone|N,C
Acanthiza pusilla|Brown Thornbill|SE,E,T
Acanthiza apicalis|Inland Thornbill|A,SW
Acanthiza reguloides|Buff-rumped Thornbill|E
Acanthiza chrysorrhoa|Yellow-rumped Thornbill|S,E,SW
Acanthiza lineata|Striated Thornbill|SE,E
Acanthiza nana|Yellow Thornbill|E,SE
Acanthiza uropygialis|Chestnut-rumped Thornbill|A
Acanthiza ewingii|Tasmanian Thornbill|T
Aphelocephala leucopsis|Southern Whiteface|A,S
@Passeriformes Pomatostomidae
Pomatostomus temporalis|Grey-crowned Babbler|N,E
Pomatostomus superciliosus|White-browed Babbler|S,A
Pomatostomus ruficeps|Chestnut-crowned Babbler|A
@Passeriformes Orthonychidae
Orthonyx temminckii|Australian Logrunner|E
Orthonyx spaldingii|Chowchilla|NE
@Passeriformes Psophodidae
Psophodes olivaceus|Eastern Whipbird|E
Cinclosoma punctatum|Spotted Quail-thrush|SE
@Passeriformes Neosittidae
Daphoenositta chrysoptera|Varied Sittella|W
@Passeriformes Campephagidae
Coracina novaehollandiae|Black-faced Cuckooshrike|W
Coracina papuensis|White-bellied Cuckooshrike|N,E
Coracina maxima|Ground Cuckooshrike|A
Edolisoma tenuirostre|Cicadabird|E,N
Lalage tricolor|White-winged Triller|W
Lalage leucomela|Varied Triller|N,E
@Passeriformes Falcunculidae
Falcunculus frontatus|Eastern Shriketit|SE
@Passeriformes Oreoicidae
Oreoica gutturalis|Crested Bellbird|A
@Passeriformes Pachycephalidae
Pachycephala pectoralis|Golden Whistler|SE,E,T
Pachycephala rufiventris|Rufous Whistler|W
Pachycephala olivacea|Olive Whistler|SE,T
Pachycephala occidentalis|Western Whistler|SW
Colluricincla harmonica|Grey Shrikethrush|W
Colluricincla rufogaster|Rufous Shrikethrush|E
@Passeriformes Oriolidae
Oriolus sagittatus|Olive-backed Oriole|N,E
Sphecotheres vieilloti|Australasian Figbird|N,E
@Passeriformes Artamidae
Artamus leucorynchus|White-breasted Woodswallow|N,E
Artamus personatus|Masked Woodswallow|A
Artamus superciliosus|White-browed Woodswallow|E,A
Artamus cinereus|Black-faced Woodswallow|A
Artamus cyanopterus|Dusky Woodswallow|SE,SW
Artamus minor|Little Woodswallow|A,N
Cracticus torquatus|Grey Butcherbird|S,E
Cracticus nigrogularis|Pied Butcherbird|W
Cracticus argenteus|Silver-backed Butcherbird|N
Gymnorhina tibicen|Australian Magpie|W|c
Strepera graculina|Pied Currawong|E,SE|c
Strepera versicolor|Grey Currawong|S
Strepera fuliginosa|Black Currawong|T
@Passeriformes Rhipiduridae
Rhipidura albiscapa|Grey Fantail|W|c
Rhipidura rufifrons|Rufous Fantail|E
Rhipidura leucophrys|Willie Wagtail|W|c
Rhipidura dryas|Arafura Fantail|N
@Passeriformes Dicruridae
Dicrurus bracteatus|Spangled Drongo|N,E
@Passeriformes Monarchidae
Grallina cyanoleuca|Magpie-lark|W|c
Myiagra rubecula|Leaden Flycatcher|E,N
Myiagra inquieta|Restless Flycatcher|W
Myiagra cyanoleuca|Satin Flycatcher|SE
Monarcha melanopsis|Black-faced Monarch|E
Symposiachrus trivirgatus|Spectacled Monarch|E
Carterornis leucotis|White-eared Monarch|NE
@Passeriformes Corvidae
Corvus coronoides|Australian Raven|S,E,SW|c
Corvus mellori|Little Raven|SE
Corvus tasmanicus|Forest Raven|T,SE
Corvus orru|Torresian Crow|N,A
Corvus bennetti|Little Crow|A
@Passeriformes Corcoracidae
Corcorax melanorhamphos|White-winged Chough|SE,E
Struthidea cinerea|Apostlebird|E,A
@Passeriformes Paradisaeidae
Ptiloris victoriae|Victoria's Riflebird|NE
Ptiloris paradiseus|Paradise Riflebird|E
Phonygammus keraudrenii|Trumpet Manucode|NE|r
@Passeriformes Petroicidae
Microeca fascinans|Jacky Winter|W
Petroica boodang|Scarlet Robin|S,SW
Petroica goodenovii|Red-capped Robin|A
Petroica phoenicea|Flame Robin|SE,T
Petroica rosea|Rose Robin|SE,E
Petroica rodinogaster|Pink Robin|T,SE
Melanodryas cucullata|Hooded Robin|A,S
Eopsaltria australis|Eastern Yellow Robin|E,SE
Eopsaltria griseogularis|Western Yellow Robin|SW
Tregellasia capito|Pale-yellow Robin|E
Heteromyias cinereifrons|Grey-headed Robin|NE
Poecilodryas superciliosa|White-browed Robin|N
Drymodes brunneopygia|Southern Scrub-robin|S
@Passeriformes Alaudidae
Mirafra javanica|Horsfield's Bushlark|N,E
Alauda arvensis|Eurasian Skylark|SE
@Passeriformes Acrocephalidae
Acrocephalus australis|Australian Reed-Warbler|W
@Passeriformes Locustellidae
Poodytes gramineus|Little Grassbird|S,E
Cincloramphus mathewsi|Rufous Songlark|W
Cincloramphus cruralis|Brown Songlark|W
Cincloramphus timoriensis|Tawny Grassbird|N,E
@Passeriformes Cisticolidae
Cisticola exilis|Golden-headed Cisticola|E,N
@Passeriformes Hirundinidae
Hirundo neoxena|Welcome Swallow|S,E,SW|c
Petrochelidon ariel|Fairy Martin|W
Petrochelidon nigricans|Tree Martin|W
Cheramoeca leucosterna|White-backed Swallow|A
@Passeriformes Zosteropidae
Zosterops lateralis|Silvereye|S,E,SW,T|c
Zosterops luteus|Australian Yellow White-eye|N,C
@Passeriformes Sturnidae
Aplonis metallica|Metallic Starling|NE
Sturnus vulgaris|Common Starling|SE
Acridotheres tristis|Common Myna|E,SE
@Passeriformes Turdidae
Zoothera lunulata|Bassian Thrush|SE,T
Turdus merula|Eurasian Blackbird|SE,T
@Passeriformes Dicaeidae
Dicaeum hirundinaceum|Mistletoebird|W
@Passeriformes Nectariniidae
Cinnyris jugularis|Olive-backed Sunbird|NE
@Passeriformes Estrildidae
Taeniopygia castanotis|Zebra Finch|A
Stizoptera bichenovii|Double-barred Finch|E,N
Neochmia temporalis|Red-browed Finch|E,SE
Neochmia phaeton|Crimson Finch|N
Poephila cincta|Black-throated Finch|NE|r,s
Poephila acuticauda|Long-tailed Finch|N
Poephila personata|Masked Finch|N
Chloebia gouldiae|Gouldian Finch|N|s
Stagonopleura guttata|Diamond Firetail|SE
Stagonopleura bella|Beautiful Firetail|T,SE
Lonchura castaneothorax|Chestnut-breasted Mannikin|N,E
Emblema pictum|Painted Finch|A
@Passeriformes Passeridae
Passer domesticus|House Sparrow|E,SE
Passer montanus|Eurasian Tree Sparrow|SE
@Passeriformes Motacillidae
Anthus australis|Australian Pipit|W
@Passeriformes Fringillidae
Carduelis carduelis|European Goldfinch|SE
Chloris chloris|European Greenfinch|SE,T
@Charadriiformes Burhinidae
Burhinus grallarius|Bush Stone-curlew|N,E
Esacus magnirostris|Beach Stone-curlew|N,C
@Charadriiformes Haematopodidae
Haematopus longirostris|Pied Oystercatcher|C
Haematopus fuliginosus|Sooty Oystercatcher|C
@Charadriiformes Recurvirostridae
Himantopus leucocephalus|Pied Stilt|W
Recurvirostra novaehollandiae|Red-necked Avocet|A,S
Cladorhynchus leucocephalus|Banded Stilt|S,A
@Charadriiformes Charadriidae
Pluvialis fulva|Pacific Golden Plover|C
Pluvialis squatarola|Grey Plover|C
Charadrius ruficapillus|Red-capped Plover|C,A
Charadrius mongolus|Lesser Sand Plover|C
Charadrius leschenaultii|Greater Sand Plover|C
Charadrius veredus|Oriental Plover|N
Thinornis cucullatus|Hooded Plover|S
Elseyornis melanops|Black-fronted Dotterel|W
Erythrogonys cinctus|Red-kneed Dotterel|W
Vanellus miles|Masked Lapwing|W|c
Vanellus tricolor|Banded Lapwing|S,A
@Charadriiformes Pedionomidae
Pedionomus torquatus|Plains-wanderer|SE|r,s
@Charadriiformes Rostratulidae
Rostratula australis|Australian Painted-snipe|E|r,s
@Charadriiformes Jacanidae
Irediparra gallinacea|Comb-crested Jacana|N,E
@Charadriiformes Scolopacidae
Numenius madagascariensis|Far Eastern Curlew|C
Numenius phaeopus|Whimbrel|C
Limosa lapponica|Bar-tailed Godwit|C
Limosa limosa|Black-tailed Godwit|N,C
Arenaria interpres|Ruddy Turnstone|C
Calidris tenuirostris|Great Knot|C,N
Calidris canutus|Red Knot|C
Calidris ferruginea|Curlew Sandpiper|C
Calidris ruficollis|Red-necked Stint|C
Calidris acuminata|Sharp-tailed Sandpiper|W
Calidris alba|Sanderling|C
Gallinago hardwickii|Latham's Snipe|SE,E
Xenus cinereus|Terek Sandpiper|C,N
Actitis hypoleucos|Common Sandpiper|C,N
Tringa brevipes|Grey-tailed Tattler|C,N
Tringa stagnatilis|Marsh Sandpiper|W
Tringa nebularia|Common Greenshank|W
@Charadriiformes Turnicidae
Turnix varius|Painted Buttonquail|E,SW
Turnix velox|Little Buttonquail|A
@Charadriiformes Glareolidae
Glareola maldivarum|Oriental Pratincole|N
Stiltia isabella|Australian Pratincole|A,N
@Charadriiformes Laridae
Chroicocephalus novaehollandiae|Silver Gull|C,W|c
Larus pacificus|Pacific Gull|S
Larus dominicanus|Kelp Gull|S,T
Sternula albifrons|Little Tern|C
Sternula nereis|Fairy Tern|S,C
Gelochelidon macrotarsa|Australian Gull-billed Tern|W
Hydroprogne caspia|Caspian Tern|C,W
Chlidonias hybrida|Whiskered Tern|W
Sterna hirundo|Common Tern|C
Sterna striata|White-fronted Tern|SE
Thalasseus bergii|Greater Crested Tern|C
Onychoprion fuscatus|Sooty Tern|C,N
Anous stolidus|Brown Noddy|C,N
`;

export type Abundance = "common" | "normal" | "rare";

export interface SpeciesInfo {
  scientificName: string;
  vernacularName: string;
  genus: string;
  family: string;
  order: string;
  regions: string[];
  abundance: Abundance;
  /** Decimal places sensitive records are rounded to (1 = 0.1°), or null when not sensitive. */
  generaliseDecimals: number | null;
}

function parse(): SpeciesInfo[] {
  const out: SpeciesInfo[] = [];
  let order = "";
  let family = "";
  for (const raw of DATA.split("\n")) {
    const line = raw.trim();
    if (!line) continue;
    if (line.startsWith("@")) {
      [order, family] = line.slice(1).split(" ");
      continue;
    }
    const [scientificName, vernacularName, regions, flags = ""] = line.split("|");
    const f = flags.split(",");
    out.push({
      scientificName,
      vernacularName,
      genus: scientificName.split(" ")[0],
      family,
      order,
      regions: regions.split(","),
      abundance: f.includes("c") ? "common" : f.includes("r") ? "rare" : "normal",
      generaliseDecimals: f.includes("S") ? 0 : f.includes("s") ? 1 : null,
    });
  }
  return out;
}

export const SPECIES: readonly SpeciesInfo[] = parse();

/**
 * The AFD taxon guid of a name. Most are AFD URLs (the current form); about one in twenty keeps the
 * older LSID form, as some ALA records still do, so the sync has to treat guids as opaque strings.
 */
export function taxonGuid(name: string, prefix?: string): string {
  // Another atlas's own taxon ids (a second simulator playing, say, the NBN Atlas): prefix + a uuid of its own.
  if (prefix) return `${prefix}${nameUuid(`${prefix}:${name}`)}`;
  const id = nameUuid(`afd:${name}`);
  return hashString(name, 99) % 20 === 0
    ? `urn:lsid:biodiversity.org.au:afd.taxon:${id}`
    : `https://biodiversity.org.au/afd/taxa/${id}`;
}
